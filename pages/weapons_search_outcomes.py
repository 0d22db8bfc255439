"""Claim 4 of the letter, checked: see ui/claim_page.py."""

from ui.entry import ensure_entrypoint

ensure_entrypoint()

from ui.claim_page import render

render("weapons-search-outcomes")
