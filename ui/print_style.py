"""What the browser prints: the page's content at full width, without the sidebar, menu or toolbar.

The one piece of HTML the app writes, and it is a constant (no text from the data or the URL).
"""

import streamlit as st

PRINT_CSS = """<style>
@media print {
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header, [data-testid="stToolbar"],
  [data-testid="stDecoration"], [data-testid="stStatusWidget"], [data-testid="stDownloadButton"] { display: none !important; }
  [data-testid="stMain"], [data-testid="stMainBlockContainer"], .main .block-container { max-width: 100% !important; width: 100% !important;
    margin: 0 !important; padding: 0.5cm !important; }
  [data-testid="stVerticalBlockBorderWrapper"], [data-testid="stPlotlyChart"], [data-testid="stAlert"] { break-inside: avoid; }
}
</style>"""


def print_cleanly() -> None:
    st.html(PRINT_CSS)
