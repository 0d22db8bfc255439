"""London knife-crime claims dashboard: entry point. Run ``streamlit run app.py``.

As a Streamlit script (``__main__``): checks the snapshot can be read, then runs the
selected page. Each page draws the shared sidebar filters (ui.filters.sidebar) and asks
the indicator layer (through ui.data) for the frames it draws.

Imported by ``streamlit run`` to serve it: an ``st.App`` whose start-up hook warms the
caches (ui/warmup.py), so the first visitor does not wait for imports and the snapshot.
"""

import streamlit as st

if __name__ == "__main__":
    from loaders.validation import SourceError
    from ui import data

    st.set_page_config(page_title="London knife-crime claims, checked", page_icon=":material/search:", layout="wide")

    try:
        data.snapshot()
    except SourceError as err:
        st.error(f"The data snapshot cannot be read: {err}")
        st.markdown("Rebuild it with `python -m loaders build` (from the raw files) or restore it with `git checkout data/snapshot`.")
        st.stop()

    # Page URLs follow the file names (e.g. /knife_homicides): custom url_paths clash with
    # Streamlit's discovery of the pages/ folder and show a spurious "Page not found" dialog.
    page = st.navigation(
        {
            "Overview": [st.Page("pages/scorecard.py", title="Scorecard", icon=":material/dashboard:", default=True)],
            "The four claims": [
                st.Page("pages/knife_homicides.py", title="1. Knife-enabled homicides"),
                st.Page("pages/teen_child_homicides.py", title="2. Teenage and child homicides"),
                st.Page("pages/knife_injury_under_25.py", title="3. Knife injury victims under 25"),
                st.Page("pages/weapons_search_outcomes.py", title="4. Weapons search outcomes"),
            ],
            "Beyond the headline": [
                st.Page("pages/letter.py", title="Every claim in the letter", icon=":material/checklist:"),
                st.Page("pages/stop_search.py", title="Stop and search in depth", icon=":material/search:"),
            ],
            "About the data": [st.Page("pages/sources.py", title="Sources and methods", icon=":material/menu_book:")],
        }
    )
    page.run()

else:
    from ui.warmup import lifespan

    app = st.App(__file__, lifespan=lifespan)
