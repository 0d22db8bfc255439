"""The app's pages, for ``st.navigation`` in app.py and for links between pages.

Each claim in indicators/claims.toml gets a page of its own, drawn by
ui.claim_page.render; the other pages are files in pages/.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from indicators.claims import CLAIMS, Claim
from ui import claim_page


def claim_page_of(claim: Claim) -> st.Page:
    """The page of one claim, for st.page_link (pages are matched by their address)."""
    return st.Page(partial(claim_page.render, claim.slug), title=f"{claim.number}. {claim.title}", url_path=claim.url_path)


def navigation() -> dict[str, list[st.Page]]:
    """The menu. Pages carry no icons: Streamlit would use the page's icon as the favicon, fetched from Google."""
    return {
        "Overview": [st.Page("pages/scorecard.py", title="Scorecard", default=True)],
        "The claims": [claim_page_of(claim) for claim in CLAIMS],
        "Beyond the headline": [
            st.Page("pages/letter.py", title="Every claim in the letter"),
            st.Page("pages/stop_search.py", title="Stop and search in depth"),
        ],
        "About the data": [st.Page("pages/sources.py", title="Sources and methods")],
    }
