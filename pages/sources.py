"""Sources and methods: every source with coverage, age and licence (from the manifest), definitions, breaks."""

from ui.entry import ensure_entrypoint

ensure_entrypoint()

import streamlit as st

from indicators.claims import COMMON_CAVEATS
from ui import data, filters
from ui.sources import coverage_table, definitions_table

snapshot = data.snapshot()
filters.sidebar(snapshot)  # keeps the filters (and the link) while reading this page
manifest = snapshot.manifest
st.title("Sources and methods")
st.markdown(f"Snapshot version `{manifest['version']}`, built {manifest['built_at']}. All figures on this site are computed from it by the project's code.")

st.subheader("Sources and how far each runs")
coverage = coverage_table(manifest)
st.dataframe(coverage, hide_index=True, key="coverage")
st.download_button("Download CSV", coverage.to_csv(index=False).encode("utf-8"), "sources.csv", "text/csv", key="coverage-csv", on_click="ignore")
for entry in {e["source"]["title"]: e["source"] for e in manifest["tables"].values()}.values():
    st.markdown(f"- **{entry['title']}** — {entry['publisher']}. [{entry['url']}]({entry['url']}). {entry['licence']}. {entry['attribution']}")

st.subheader("What each figure counts")
definitions = definitions_table()
st.dataframe(definitions, hide_index=True, key="definitions")
st.download_button("Download CSV", definitions.to_csv(index=False).encode("utf-8"), "definitions.csv", "text/csv", key="definitions-csv", on_click="ignore")

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
    "Each period uses the estimate for the 30 June inside it, or the nearest year held (" + ", ".join(f"mid-{year}" for year in snapshot.population_years()) + "). "
    "Mid-2019 and mid-2020 are the 2011-based series and mid-2023 on are 2021-based: the series differ (Westminster by about 50,000), "
    "so a change in rate across the break is not only a change in crime. London and BCU rates use the residents of their boroughs; "
    "the City of London, policed separately, is excluded. Rows not assigned to a borough count in London's numerator only."
)

st.subheader("Stop and search: disproportionality")
st.markdown(
    "Weapons searches per 1,000 residents of each ethnic group (self-defined ethnicity of the person searched, grouped as the Census's "
    "five high-level groups; residents from Census 2021, all ages), divided by the same rate for White residents. "
    "'Not stated' searches are shown but have no ratio. The ratio is not age-adjusted, and people searched in an area need not live there."
)

st.subheader("Map and areas")
st.markdown(
    "Borough shapes are the GLA's statistical GIS boundaries (excluding the Thames), simplified to about 30 m; each BCU is the union "
    "of its boroughs, following the Met's 2018 grouping. The map is drawn without any online map tiles. Rows the source does not place in a "
    "borough ('Unmapped', 'Other / NK', airports, searches without a location) count in London's figures only."
)

st.subheader("Known breaks and gaps")
for caveat in COMMON_CAVEATS:
    st.markdown(f"- {caveat}")
st.markdown(
    "- Victim-level homicide data (method, age) in the snapshot end in March 2024: claims 1 and 2 cannot be checked for FY2024/25 offline. "
    "`python -m loaders refresh` downloads the current file from the London Datastore.\n"
    "- Complete record-level stop-and-search data with outcomes are not in the offline copies (only a partial, biased API subset, not used for figures). "
    "Claim 4 needs `python -m loaders refresh`, which downloads every month from data.police.uk.\n"
    "- Population: ONS mid-2019 and mid-2020 estimates are the 2011-based series; mid-2023 and mid-2024 are 2021-based. They differ, so a change across the break is not growth."
)
