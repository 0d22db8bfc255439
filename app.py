"""Placeholder: shows what the embedded snapshot covers. Replaced by the dashboard."""

import pandas as pd
import streamlit as st

from loaders.snapshot import read_manifest

st.title("London knife-crime claims: data coverage")
manifest = read_manifest()
st.dataframe(
    pd.DataFrame(
        [{"table": name, "rows": e["rows"], "from": e["first_month"], "to": e["last_month"], "source": e["source"]["title"]} for name, e in manifest["tables"].items()]
    )
)
