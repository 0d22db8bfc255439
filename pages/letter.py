"""Every figure in the letter, and what open data can say about it, for the area and years selected."""

import streamlit as st

from ui import cached, charts, filters

snapshot = cached.snapshot()
selection = filters.sidebar(snapshot)
area, period, comparison = selection.area, selection.period, selection.comparison
st.title("Every claim in the letter")
st.markdown(
    "Each quantitative statement in the Metropolitan Police's letter of 25 March 2025, with what open data can say about it "
    f"for **{area.label}**, **{period.label}** against **{comparison.label}** (the letter's own question is all London, FY2024/25 "
    "against FY2023/24), and, where open data cannot settle it, the data that would. Statements about all London say so when "
    "another area is selected."
)
statements = cached.letter(snapshot.version, area, period, comparison)
for row in statements.itertuples():
    with st.container(border=True):
        st.markdown(f"**{row.topic}** — “{row.letter_says}”")
        st.markdown(f"*{row.checkable}.* {row.what_open_data_says}")
        st.caption(f"What would settle it: {row.what_would_settle_it}")
charts.table_on_request("The same, as a table", statements, f"claims-in-the-letter-{area.key}-{period.key}-vs-{comparison.key}.csv", "letter")
