"""Landing page: one tile per claim with what it rests on, the figures, the change and the verdict."""

import streamlit as st

from indicators.claims import LETTER
from indicators.stats import SMALL_COUNT
from indicators.verdicts import VERDICT_MEANINGS
from ui import cached, charts, filters
from ui.pages import claim_page_of
from ui.tiles import claim_tile

selection = filters.sidebar(cached.snapshot())
version = cached.snapshot_version()
area, period, comparison = selection.area, selection.period, selection.comparison
st.title("The Met's knife-crime claims, checked against public data")
st.markdown(
    f"In a letter of 25 March 2025 the Metropolitan Police claimed four results for FY2024/25. "
    f"Each tile puts a claim next to the best public evidence for **{area.label}**, **{period.label}** against **{comparison.label}**, "
    "and says what that evidence is. Change the area or years in the sidebar."
)
st.download_button(
    "Briefing (PDF)",
    lambda: cached.briefing(version, area, period, comparison),
    file_name=f"briefing-knife-crime-claims-{area.key}-{period.key}-vs-{comparison.key}.pdf".replace("/", "-").replace(" ", "_"),
    mime="application/pdf",
    icon=":material/download:",
    help="One or two A4 pages: the four claims, each verdict and what it rests on, definitions, sources and licences.",
    on_click="ignore",
)
with st.expander("How to read this"):
    st.markdown(
        "\n".join(f"- **{verdict}**: {meaning}" for verdict, meaning in VERDICT_MEANINGS.items()) + "\n\n"
        "**Within normal variation**: counts of crimes go up and down from year to year by chance; the 95% interval says how far, "
        "allowing for the extra month-to-month variation seen in each series (the *dispersion*). A change inside that range cannot be told "
        f"from chance. Counts under {SMALL_COUNT} in both years are not judged.\n\n"
        "**Rests on** says what each answer is built on: the claim's own figure for both whole years; the months both years cover when one is "
        "incomplete; the nearest official figure (other years or counting rules); or published statements, quoted as stated.\n\n"
        "**What the data cannot say**: why a figure moved, or whether the Met's work caused it; and nothing about months the embedded data do "
        "not hold (see Sources and methods)."
    )
# On the financial-year basis, the view the Met had when it wrote is shown beside each verdict where the two differ.
card = cached.scorecard(version, area, period, comparison, selection.basis)
for row in range(0, len(card.assessments), 2):  # one row of two tiles at a time, so a phone shows them in claim order
    for column, position in zip(st.columns(2), range(row, min(row + 2, len(card.assessments)))):
        assessment = card.assessments[position]
        slug = assessment.claim.slug
        with column:
            claim_tile(assessment, card.trends[slug], claim_page_of(assessment.claim), card.letter_time.get(slug))
charts.table_on_request(
    "Every rung of evidence on this page, as a table",
    lambda: cached.evidence(version, area, period, comparison),
    f"scorecard-{area.key}-{period.key}-vs-{comparison.key}.csv",
    "scorecard",
)
st.caption(f"Claims quoted from the {LETTER}. Definitions, sources and how far each source runs: see *Sources and methods*.")
