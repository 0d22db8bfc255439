"""Warm the server while the first visitor's browser is still loading Streamlit's frontend.

``streamlit run app.py`` serves app.py's ``st.App`` (see app.py); its start-up hook starts
a background thread that imports pandas and friends, loads the snapshot into the shared
cache and works out the default scorecard. The server answers requests at once; the first
page run then finds everything ready instead of paying ~1 s for it.

On Linux the thread runs at a lower scheduling priority (``nice`` 10): on a machine with few
cores the browser loading Streamlit's frontend, and the server answering it, go first, and the
warm-up takes the time they leave. (With the browser on the same 2-core machine, as for
someone running the dashboard on their own computer, the first screen was painted 0.1-0.3 s
sooner in five A/B runs of the benchmark's cold start; the README has the figures.) Linux
gives each thread its own priority; elsewhere ``setpriority`` would name a whole process, so
the thread keeps the server's.

Then it freezes what is loaded (``gc.freeze``): the modules, the snapshot and the first
scorecard live as long as the server, and Streamlit runs a full garbage collection after
every script run (``runner.postScriptGC``), which walked those 120,000-odd objects each time
(30-45 ms of CPU in a plain process, more in the server, holding the interpreter lock). Frozen
objects are still freed by reference counting; only cycles among them are never collected.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
import threading
from contextlib import asynccontextmanager

log = logging.getLogger(__name__)

#: The warm-up thread's niceness on Linux (0 is a server's usual; 19 the lowest priority). Not the lowest:
#: on a busy server the first visitor's page waits for what the warm-up has started.
WARM_UP_NICENESS = 10


def lower_this_threads_priority() -> None:
    """Give the calling thread (not the process) a niceness of at least :data:`WARM_UP_NICENESS`, on
    Linux only; a server started with a higher one keeps it (raising priority needs privileges)."""
    if sys.platform == "linux":
        thread = threading.get_native_id()
        if os.getpriority(os.PRIO_PROCESS, thread) < WARM_UP_NICENESS:
            os.setpriority(os.PRIO_PROCESS, thread, WARM_UP_NICENESS)


def warm() -> list | None:
    """Load the snapshot and the scorecard a first visitor sees (the sidebar's defaults: London, the
    first basis, its default period against the one before) into the caches; return its assessments.

    A snapshot that cannot be read is logged and left to the page, which explains it to the
    reader; any other error is a bug and is raised (the thread's traceback is logged).
    The imports are here, not at the top, so that serving starts without waiting for them.
    """
    from indicators.periods import BASES, default_comparison, default_period
    from loaders.errors import SourceError
    from ui import cached

    try:
        version = cached.snapshot_version()
        snapshot = cached.snapshot()
    except SourceError as err:
        log.warning("warm-up skipped, the snapshot cannot be read: %s", err)
        return None
    basis = next(iter(BASES))  # the sidebar's basis radio starts on the first
    options = snapshot.selectable_periods(basis)
    period = default_period(options, basis)
    card = cached.scorecard(version, cached.areas(version)[0], period, default_comparison(period, options), basis)
    gc.freeze()
    return card.assessments


def _warm_gently() -> None:
    lower_this_threads_priority()
    warm()


@asynccontextmanager
async def lifespan(app):
    threading.Thread(target=_warm_gently, name="warm-up", daemon=True).start()
    yield
