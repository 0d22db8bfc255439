"""Make every page run through app.py, even on the first request after the server starts.

Because the project has a ``pages/`` folder, Streamlit starts in its legacy multipage
mode: until app.py has called ``st.navigation`` once, a direct link such as
``/knife_homicides`` runs the page file on its own (no page config, no snapshot check,
a generic menu). Page URLs equal their file names, so turning the legacy mode off and
rerunning serves the same page through app.py.
"""

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def ensure_entrypoint() -> None:
    """Call first in every page file."""
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
