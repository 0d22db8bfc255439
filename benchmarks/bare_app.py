"""The floor the dashboard is measured against: a bare Streamlit app of the same version,
served the same way (same folder, same .streamlit/config.toml), with a title, four
metrics and one selectbox. Its numbers are arithmetic on the choice, not data."""

import streamlit as st

st.title("Bare Streamlit app")
choice = st.selectbox("Area", [f"Area {number}" for number in range(45)], key="area")
number = int(choice.split()[1])
for column, tile in zip(st.columns(4), range(4)):
    with column, st.container(key=f"tile-{tile}"):
        st.metric(f"Figure {tile + 1}", f"{(number + 1) * (tile + 7):,}", delta=f"{number - tile}")
