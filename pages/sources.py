"""Sources and methods: every source with coverage, age and licence (from the manifest), definitions, breaks."""

import streamlit as st

from indicators import stats, verdicts
from indicators.claims import COMMON_CAVEATS
from indicators.methods import coverage_table, definitions_table, sources_status_table
from indicators.stop_search import DISPROPORTIONALITY_DEFINITION
from ui import cached, charts, filters

snapshot = cached.snapshot()
selection = filters.sidebar(snapshot)
manifest = snapshot.manifest
st.title("Sources and methods")
st.markdown(
    f"Snapshot version `{manifest['version']}`, built {manifest['built_at']}. All figures on this site are computed from it by the project's code."
)

st.subheader("Sources and how far each runs")
charts.table_download(coverage_table(manifest), "sources.csv", "coverage")
for entry in {e["source"]["title"]: e["source"] for e in manifest["tables"].values()}.values():
    st.markdown(f"- **{entry['title']}** — {entry['publisher']}. [{entry['url']}]({entry['url']}). {entry['licence']}. {entry['attribution']}")

st.subheader("Every number, for analysts")
st.download_button(
    "Every figure, period and area (CSV)",
    lambda: cached.everything(snapshot.version),
    file_name=f"knife-crime-claims-every-figure-{snapshot.version[:8]}.csv",
    mime="text/csv",
    icon=":material/download:",
    help="Every claim's figures for every financial year, year to date and calendar year, for London, each BCU and each borough (takes about half a minute).",
    on_click="ignore",
)
st.caption("The same from the command line: `python -m indicators export --area all --basis fy` (or fytd, cy, r12).")

st.subheader("Fresh or kept")
st.caption("Whether the last build or refresh brought each source up to date, or kept its last good data (and why).")
charts.table_download(sources_status_table(manifest), "sources-status.csv", "sources-status")

st.subheader("What each figure counts")
charts.table_download(definitions_table(), "definitions.csv", "definitions")

st.subheader("How a verdict is reached")
st.markdown(verdicts.RUNGS_TEXT)
st.markdown("\n".join(f"- **{verdict}**: {meaning}" for verdict, meaning in verdicts.VERDICT_MEANINGS.items()))

st.subheader("Is the change larger than normal variation?")
st.markdown(stats.METHOD_TEXT)

st.subheader("Rates per 100,000 residents")
st.markdown(
    "A rate divides a count by the ONS mid-year estimate of residents of the ages the figure counts: all ages for offences and all "
    "homicide victims, 0-19 (and 0-12, 13-19) for teenage and child homicide victims, 1-24 for knife injury victims aged 1-24. "
    "Each period uses the estimate for the 30 June inside it, or the nearest year held ("
    + ", ".join(f"mid-{year}" for year in snapshot.population_years())
    + "). "
    f"The ONS series differ ({snapshot.population_series_note()}), markedly for some inner boroughs, "
    "so a change in rate across the break is not only a change in crime. London and BCU rates use the residents of their boroughs; "
    "the City of London, policed separately, is excluded. Rows not assigned to a borough count in London's numerator only."
)

st.subheader("Stop and search: disproportionality")
st.markdown(DISPROPORTIONALITY_DEFINITION)

st.subheader("Map and areas")
st.markdown(
    "Borough shapes are the GLA's statistical GIS boundaries (excluding the Thames), simplified to about 30 m; each BCU is the union "
    "of its boroughs, following the Met's 2018 grouping. The map is drawn without any online map tiles. Rows the source does not place in a "
    "borough ('Unmapped', 'Other / NK', airports, searches without a location) count in London's figures only."
)

st.subheader("Known breaks and gaps")
for caveat in COMMON_CAVEATS:
    st.markdown(f"- {caveat}")
st.markdown(f"- Population: {snapshot.population_series_note()}; a change across the break is not growth.")
st.markdown(f"For the view selected in the sidebar ({selection.area.label}, {selection.period.label} against {selection.comparison.label}):")
short = [a for a in cached.assessments(snapshot.version, selection.area, selection.period, selection.comparison) if a.best.rung != 1]
for assessment in short:
    st.markdown(f"- Claim {assessment.claim.number} rests on: {assessment.best.label}. What would settle it: {assessment.claim.would_settle_it}")
if not short:
    st.markdown("- Every claim can be checked on its own figure for both whole periods.")

st.subheader("Bringing the data up to date (for analysts)")
st.markdown(
    "The embedded data are a snapshot. On a machine with internet, `python -m loaders refresh` downloads the current files from the "
    "London Datastore and data.police.uk, checks them, and rebuilds the snapshot; `python -m loaders status` says what each source holds."
)
