"""The scorecard tile and the verdict box: one claim, what its answer rests on, its verdict."""

from __future__ import annotations

import streamlit as st

from indicators.verdicts import DIRECTION_ONLY, MIXED, NO_COMPARISON, NOT_ANSWERABLE, NOT_SUPPORTED, SUPPORTED, TOO_FEW, Assessment, Rung

#: How each verdict looks: the box, its icon, and the words beside the verdict. Never colour alone:
#: the icon and the words differ too. The green tick is for "Supported" only.
VERDICT_STYLES = {
    SUPPORTED: (st.success, ":material/check_circle:", "the change is larger than normal year-to-year variation"),
    DIRECTION_ONLY: (st.info, ":material/trending_flat:", "not a change the data can tell from chance"),
    MIXED: (st.warning, ":material/contrast:", "the figures disagree"),
    NOT_SUPPORTED: (st.error, ":material/cancel:", "the figure did not move the way the letter says"),
    TOO_FEW: (st.info, ":material/more_horiz:", "the counts are too small for a change to mean anything"),
    NO_COMPARISON: (st.info, ":material/format_quote:", "the published figures cannot be set side by side"),
    NOT_ANSWERABLE: (st.info, ":material/help:", "not in the embedded data"),
}


def verdict_box(rung: Rung) -> None:
    """The verdict in words with its icon and box, and the reason."""
    box, icon, gloss = VERDICT_STYLES[rung.verdict]
    box(f"**{rung.verdict}** ({gloss}). {rung.reason}", icon=icon)


def small(text: str) -> str:
    """Markdown for a caption-like line inside a larger block: small grey text, square brackets
    escaped so that text cannot close the directive early."""
    return ":small[:gray[" + text.replace("[", "\\[").replace("]", "\\]") + "]]"


def statements(rung: Rung) -> None:
    """Published statements, quoted and attributed, as stated (one caption, a paragraph each)."""
    if rung.statements:
        st.caption(
            "\n\n".join(
                f"“{statement['quote']}” — {statement['stated_by']}, {statement['publisher']}, {statement['source_date']} "
                f"([source]({statement['source_url']})). As stated, not re-derived."
                for statement in rung.statements
            )
        )


def other_evidence(assessment: Assessment) -> None:
    """Every rung below the best one, each with its verdict, and the statements quoted."""
    rest = assessment.rungs[1:]
    if not rest and not assessment.best.statements:
        return
    with st.expander(f"Other evidence for claim {assessment.claim.number} ({len(rest)} more)" if rest else "The published statements"):
        statements(assessment.best)
        for rung in rest:
            st.markdown(f"**{rung.label}** — {rung.verdict}. {rung.reason}")
            statements(rung)


def claim_tile(assessment: Assessment, trend: str, claim_page, letter_time: Assessment | None) -> None:
    """One claim: its words, what the answer rests on, the figure, the verdict, the Met's view
    when it wrote (when that differs), and ``trend``, the headline figure's last complete periods
    (shown when the answer rests on that figure).

    Lines that belong together are drawn as one element (each element is a message the browser
    applies and lays out on every rerun: an area change drew ~60 of them on the scorecard)."""
    claim, rung = assessment.claim, assessment.best
    with st.container(border=True, key=f"tile-{claim.slug}"):
        head = [
            f"**Claim {claim.number}** · {claim.title}",
            f"> “{claim.words}”",
            small(f"{assessment.scope} · {assessment.area.label}"),
            f"**Rests on:** {rung.label}",
        ]
        if rung.current is not None:
            head.append(small(f"{rung.figure}, {rung.current_label}"))  # wraps on a phone; a metric's label is cut off
        st.markdown("\n\n".join(head))
        if rung.current is not None:
            st.metric(
                f"{rung.figure}, {rung.current_label}",
                rung.value_text,
                delta=rung.change_text,
                delta_color="off",
                label_visibility="collapsed",
            )
            own = assessment.data_through_text if rung.rung in (1, 2) else f"the claim's own figure: {assessment.data_through_text}"
            below = [f"{rung.previous_label}: {rung.previous_text} · {own}"]
            if trend and rung.rung == 1:
                below.append(f"Last complete periods: {trend}")
            if assessment.caveat:
                below.append(f":material/warning: {assessment.caveat}")
            st.caption("\n\n".join(below))
        verdict_box(rung)
        if letter_time is not None and letter_time.verdict != assessment.verdict:
            st.markdown(f"**When the Met wrote** (April to February, {letter_time.best.label}): {letter_time.verdict}. {letter_time.best.reason}")
        other_evidence(assessment)
        st.page_link(claim_page, label=f"Details of claim {claim.number} →")
