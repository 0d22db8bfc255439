"""Landing page: one tile per claim with the figures, the change and the verdict."""

from ui.entry import ensure_entrypoint

ensure_entrypoint()

import streamlit as st

from ui import charts, data, filters
from ui.tiles import CLAIM_PAGE_FILES, claim_tile

selection = filters.sidebar(data.snapshot())
version = data.snapshot_version()
st.title("The Met's knife-crime claims, checked against public data")
st.markdown(
    f"In a letter of 25 March 2025 the Metropolitan Police claimed four results for FY2024/25. "
    f"Each tile puts a claim next to the published figures for **{selection.area.label}**, "
    f"**{selection.period.label}** against **{selection.comparison.label}**. Change the area or years in the sidebar."
)
columns = st.columns(2)
for position, verdict in enumerate(data.verdicts(version, selection.area, selection.period, selection.comparison)):
    with columns[position % 2]:
        claim_tile(verdict, data.trend(version, verdict.claim.headline, selection.area, selection.basis), CLAIM_PAGE_FILES[verdict.claim.slug])
with st.expander("The numbers on this page"):
    charts.table_download(
        data.scorecard(version, selection.area, selection.basis, selection.period, selection.comparison),
        f"scorecard-{selection.area.key}-{selection.period.key}.csv",
        "scorecard",
    )
st.caption(
    "Verdicts compare two years' counts; 'Is the change real?' says whether a change is larger than chance would explain. "
    "Definitions, sources and data coverage: see *Sources and methods*."
)
