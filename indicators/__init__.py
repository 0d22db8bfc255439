"""Indicator layer: turns the snapshot into the figures the pages draw and the export prints.

Pure pandas; no Streamlit. Pages and ``python -m indicators export`` both call it, so the
numbers on screen and the numbers exported are computed by the same code.
"""
