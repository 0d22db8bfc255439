"""Warm the server while the first visitor's browser is still loading Streamlit's frontend.

``streamlit run app.py`` serves app.py's ``st.App`` (see app.py); its start-up hook starts
a background thread that imports pandas and friends, loads the snapshot into the shared
cache and works out the default scorecard. The server answers requests at once; the first
page run then finds everything ready instead of paying ~1 s for it.
"""

from __future__ import annotations

import logging
import threading
from contextlib import asynccontextmanager

log = logging.getLogger(__name__)


def warm() -> None:
    """Load the snapshot and the default scorecard into the caches; log, never raise.

    The imports are here, not at the top, so that serving starts without waiting for them.
    """
    try:
        from indicators.areas import LONDON, Area
        from indicators.periods import parse_period
        from ui import data
        from ui.filters import DEFAULT_PERIOD

        version = data.snapshot_version()
        period = parse_period(DEFAULT_PERIOD["fy"])
        data.scorecard(version, Area("London", LONDON), "fy", period, period.shifted(-1))
    except Exception as err:  # the page will report a broken snapshot properly
        log.warning("warm-up skipped: %s", err)


@asynccontextmanager
async def lifespan(app):
    threading.Thread(target=warm, name="warm-up", daemon=True).start()
    yield
