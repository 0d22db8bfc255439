"""Weapons searches in depth: legal power, outcomes, who is searched against who lives here."""

import streamlit as st

from indicators.figures import FIGURES, source_words
from indicators.stop_search import DISPROPORTIONALITY_DEFINITION, months_with_data, ratio_unavailable, with_ratio
from indicators.tables import with_month_text
from ui import cached, charts, filters

snapshot = cached.snapshot()
selection = filters.sidebar(snapshot)
version, area, period = snapshot.version, selection.area, selection.period
st.title("Stop and search for weapons, in depth")
st.markdown(
    f"**Weapons searches**: {FIGURES['weapons_searches'].definition} **With a positive outcome**: {FIGURES['weapons_searches_positive'].definition} "
    f"Source: {snapshot.source_of('weapons_searches')['attribution']}"
)
months = months_with_data(snapshot, period)
if not len(months):
    st.info(
        f"The embedded data hold no complete record-level stop-and-search months for {period.label} ({period.span}); "
        f"{cached.coverage_text(version, 'weapons_searches')}. "
        "Choose another year in the sidebar, or see Sources and methods for how the data are brought up to date.",
        icon=":material/help:",
    )
    st.stop()
st.warning(snapshot.manifest["tables"]["stop_search"]["notes"], icon=":material/warning:")
coverage_note = f"{area.label}, {period.label}: {len(months)} of {period.length} months with data ({months.min():%b %Y} - {months.max():%b %Y})."
if len(months) < period.length:
    st.warning(f"Part-year only. {coverage_note}", icon=":material/warning:")
else:
    st.caption(coverage_note)
chart_note = f"{coverage_note} Source: {source_words(FIGURES['weapons_searches'])}."

st.subheader("Month by month")
monthly = cached.searches_by_month(version, area)
charts.show(
    charts.monthly_outcomes(monthly, f"Weapons searches and their outcomes by month, {area.label}", chart_note, cached.stamp()),
    lambda: with_month_text(monthly),
    "weapons-searches-by-month.csv",
    "months",
)

st.subheader("Which legal power")
powers = cached.searches_by_power(version, area, period)
charts.show(
    charts.simple_bars(powers, "power", "searches", f"Weapons searches by legal power, {period.label}", "searches", chart_note, cached.stamp()),
    powers,
    "weapons-searches-by-power.csv",
    "powers",
)

st.subheader("Who is searched, against who lives here")
st.markdown(f"**Disproportionality ratio**: {DISPROPORTIONALITY_DEFINITION}")
ethnicity = cached.searches_by_ethnicity(version, area, period)
no_ratio = ratio_unavailable(ethnicity)
if no_ratio:
    st.info(no_ratio, icon=":material/info:")
    charts.table_download(ethnicity, "weapons-searches-by-ethnicity.csv", "ethnicity")
else:
    charts.show(
        charts.simple_bars(
            with_ratio(ethnicity),
            "ethnic_group",
            "ratio_to_white",
            f"Disproportionality ratio to White residents, {period.label}",
            "ratio",
            chart_note,
            cached.stamp(),
        ),
        ethnicity,
        "weapons-searches-by-ethnicity.csv",
        "ethnicity",
    )
left, right = st.columns(2)
for column, field, label in ((left, "age_range", "age"), (right, "gender", "gender")):
    table = cached.searches_by_person(version, area, period, field)
    with column:
        charts.show(
            charts.simple_bars(table, field, "searches", f"Weapons searches by {label}, {period.label}", "searches", chart_note, cached.stamp()),
            table,
            f"weapons-searches-by-{label}.csv",
            field,
        )
