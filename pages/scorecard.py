"""Landing page: one tile per claim with the figures, the change and the verdict."""

from ui.entry import ensure_entrypoint

ensure_entrypoint()

import streamlit as st

from indicators.claims import CLAIMS
from ui import data, filters
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
for position, claim in enumerate(CLAIMS):
    verdict = data.verdict(version, claim, selection.area, selection.period, selection.comparison)
    periods = data.by_period(version, claim.headline, selection.area, selection.basis)
    trend = periods.loc[periods["complete"], "value"].tolist()
    with columns[position % 2]:
        claim_tile(verdict, trend, CLAIM_PAGE_FILES[claim.slug])
numbers = data.scorecard(version, selection.area, selection.basis, selection.period, selection.comparison)
with st.expander("The numbers on this page"):
    st.dataframe(numbers, hide_index=True)
    st.download_button(
        "Download CSV", numbers.to_csv(index=False).encode("utf-8"), file_name=f"scorecard-{selection.area.key}-{selection.period.key}.csv".replace("/", "-").replace(" ", "_"),
        mime="text/csv", key="scorecard-csv", on_click="ignore",
    )
st.caption(
    "Verdicts compare two years' counts; 'Is the change real?' says whether a change is larger than chance would explain. "
    "Definitions, sources and data coverage: see *Sources and methods*."
)
