"""Streamlit helpers shared by the pages: cached access to the indicator layer, the
sidebar filters kept in the URL, and chart/table drawing. No data wrangling here."""
