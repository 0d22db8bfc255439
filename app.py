"""London knife-crime claims dashboard: entry point. Run ``streamlit run app.py``.

As a Streamlit script (``__main__``): checks the snapshot can be read, then runs the
selected page (ui/pages.py lists them; one per claim in indicators/claims.toml). Each
page draws the shared sidebar filters (ui.filters.sidebar) and asks the cache layer
(ui/cached.py) for what it draws.

Imported by ``streamlit run`` to serve it: an ``st.App`` whose start-up hook warms the
caches (ui/warmup.py), so the first visitor does not wait for imports and the snapshot.
"""

import streamlit as st

if __name__ == "__main__":
    from loaders.errors import SourceError
    from ui import cached, filters
    from ui.pages import navigation
    from ui.print_style import print_cleanly

    st.set_page_config(page_title="London knife-crime claims, checked", layout="wide")  # no page_icon: a Material icon favicon is fetched from Google
    try:
        cached.snapshot()
    except SourceError as err:
        st.error(f"The data snapshot cannot be read: {err}")
        st.markdown("Rebuild it with `python -m loaders build` (from the raw files) or restore it with `git checkout data/snapshot`.")
        st.stop()
    print_cleanly()
    st.navigation(navigation()).run()
    filters.link_to_this_view()  # after the page, so the link holds the page's own settings too

else:
    from starlette.middleware import Middleware
    from streamlit.runtime.pages_manager import PagesManager

    from ui.boundaries import ROUTE as BOUNDARY_FILES
    from ui.compression import CompressedStaticFiles
    from ui.routing import UnknownPathRedirect
    from ui.warmup import lifespan

    # The project keeps its page files in pages/ (the agreed layout), which would put Streamlit
    # in its legacy multipage mode: until app.py has called st.navigation once, a direct link
    # such as /knife_homicides would run a pages/ file on its own or show "Page not found".
    # The server imports this module before any session starts, so saying here that the app
    # uses st.navigation (what st.navigation itself sets) makes every request run app.py.
    PagesManager.uses_pages_directory = False
    app = st.App(
        __file__, lifespan=lifespan, routes=[BOUNDARY_FILES], middleware=[Middleware(UnknownPathRedirect), Middleware(CompressedStaticFiles)]
    )
