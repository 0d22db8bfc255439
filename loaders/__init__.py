"""Loaders: one module per public source, each turning raw files into one tidy, typed frame.

Run ``python -m loaders build|refresh|status``; see README.md.
"""
