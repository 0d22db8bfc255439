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


def warm() -> list | None:
    """Load the snapshot and the default scorecard into the caches; return its assessments.

    A snapshot that cannot be read is logged and left to the page, which explains it to the
    reader; any other error is a bug and is raised (the thread's traceback is logged).
    The imports are here, not at the top, so that serving starts without waiting for them.
    """
    from indicators.areas import LONDON, Area
    from indicators.periods import DEFAULT_PERIODS, parse_period
    from loaders.errors import SourceError
    from ui import cached

    try:
        version = cached.snapshot_version()
        cached.snapshot()
    except SourceError as err:
        log.warning("warm-up skipped, the snapshot cannot be read: %s", err)
        return None
    period = parse_period(DEFAULT_PERIODS["fy"])
    return cached.assessments(version, Area("London", LONDON), period, period.shifted(-1))


@asynccontextmanager
async def lifespan(app):
    threading.Thread(target=warm, name="warm-up", daemon=True).start()
    yield
