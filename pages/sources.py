"""Sources and methods: every source with coverage, age and licence (from the manifest), definitions, breaks."""

from ui.entry import ensure_entrypoint

ensure_entrypoint()

import streamlit as st

from indicators.claims import COMMON_CAVEATS, NOT_ANSWERABLE
from indicators.stop_search import DISPROPORTIONALITY_DEFINITION
from ui import charts, data, filters
from ui.sources import coverage_table, definitions_table

snapshot = data.snapshot()
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

st.subheader("What each figure counts")
charts.table_download(definitions_table(), "definitions.csv", "definitions")

st.subheader("How a verdict is reached")
st.markdown(
    "- **Supported**: the headline figure moved the way the letter says between the two years, and so did its companion figures.\n"
    "- **Mixed**: the headline and a companion figure (for example the count and the rate) moved in different directions.\n"
    "- **Not supported**: the headline did not move the way the letter says (no change counts as not supported).\n"
    "- **Not answerable from the data in the snapshot**: one of the two years is not fully covered by the open data held here.\n"
    "Verdicts compare counts only; the test below says whether a change is larger than chance."
)

st.subheader("Is the change real?")
st.markdown(
    "Counts of homicides are small, so a fall from one year to the next can be chance. Each year's count is treated as a Poisson "
    "count. Given the two years' total *n*, the later count is Binomial(*n*, *p*) with *p* = rate₂ / (rate₁ + rate₂); the exact "
    "(Clopper-Pearson) 95% interval for *p* gives an exact interval for the **rate ratio** *p* / (1 − *p*). If the whole interval lies "
    "below 1 the fall is *larger than chance would explain*; above 1, the rise is; otherwise the change is *within normal "
    "year-to-year variation*. Separately, the selected year is compared with the lowest and highest of up to five complete years before it. "
    "The test treats the counts as independent events; clusters (one incident, several victims) make real uncertainty somewhat larger."
)

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
unanswerable = [v for v in data.verdicts(snapshot.version, selection.area, selection.period, selection.comparison) if v.verdict == NOT_ANSWERABLE]
for verdict in unanswerable:
    st.markdown(f"- Claim {verdict.claim.number} cannot be checked. {verdict.reason}")
if not unanswerable:
    st.markdown("- Every claim can be checked from the data in the snapshot.")
st.markdown("`python -m loaders refresh` downloads the current files from the London Datastore and data.police.uk.")
