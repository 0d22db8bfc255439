"""The scorecard tile and the verdict box: one claim, its figures, its verdict."""

from __future__ import annotations

import streamlit as st

from indicators.claims import MIXED, NOT_ANSWERABLE, NOT_SUPPORTED, SUPPORTED, Verdict, definition_of, format_value, label_of

#: The page file of each claim, for links from the scorecard.
CLAIM_PAGE_FILES = {
    "knife-homicides": "pages/knife_homicides.py",
    "teen-child-homicides": "pages/teen_child_homicides.py",
    "knife-injury-under-25": "pages/knife_injury_under_25.py",
    "weapons-search-outcomes": "pages/weapons_search_outcomes.py",
}
VERDICT_ICONS = {
    SUPPORTED: ":material/check_circle:",
    NOT_SUPPORTED: ":material/cancel:",
    MIXED: ":material/contrast:",
    NOT_ANSWERABLE: ":material/help:",
}


def verdict_box(verdict: Verdict) -> None:
    """The verdict in words with an icon (never colour alone), and the reason."""
    icon = VERDICT_ICONS[verdict.verdict]
    text = f"**{verdict.verdict}.** {verdict.reason}"
    box = {SUPPORTED: st.success, NOT_ANSWERABLE: st.info}.get(verdict.verdict, st.warning)
    box(text, icon=icon)


def chance_note(verdict: Verdict) -> None:
    """Is the change real? The exact Poisson interval and the five-year range, in words."""
    if verdict.rate_ratio is None:
        return
    described = verdict.rate_ratio.describe()
    text = f"**Is the change real?** {described[0].upper()}{described[1:]}."
    if verdict.history is not None:
        text += f" {verdict.period.label} is {verdict.history.position}."
    st.markdown(text, help="Exact 95% interval for the ratio of two Poisson counts (conditional binomial, Clopper-Pearson). See Sources and methods.")


def claim_tile(verdict: Verdict, trend: list[tuple[str, float]], claim_page) -> None:
    """trend: (period, value) of every complete period, oldest first, drawn as small bars."""
    claim = verdict.claim
    key = claim.headline
    with st.container(border=True, key=f"tile-{claim.slug}"):
        st.markdown(f"**Claim {claim.number}** · {claim.title}")
        st.markdown(f"> “{claim.words}”")
        st.metric(
            f"{label_of(key)}, {verdict.period.label}",
            format_value(verdict.current, key),
            delta=verdict.change_text,
            delta_color="off",
            chart_data=[value for _, value in trend] or None,
            chart_type="bar",
            help=definition_of(key),
        )
        bars = " · bars: each complete year, oldest first" if trend else ""
        st.caption(f"{verdict.comparison.label}: {format_value(verdict.previous, key)} · {verdict.data_through_text} · {verdict.area.label}{bars}")
        verdict_box(verdict)
        chance_note(verdict)
        if verdict.nearest_figure:
            st.caption(f"What open data can say instead (a related figure, not the claim's measure): {verdict.nearest_figure}.")
        st.page_link(claim_page, label=f"Details of claim {claim.number} →")
