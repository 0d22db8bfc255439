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
    "Verdicts compare counts only. They do not test whether a change is larger than year-to-year chance variation."
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
