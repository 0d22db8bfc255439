"""A briefing an Assembly member can take into a meeting: one or two A4 pages (PDF) with the four
claims, each verdict and what it rests on, a small trend chart drawn as vector bars, definitions,
data-through months, sources with licence attribution and the snapshot date.

Built with fpdf2 (pure Python, no browser, works offline). Its built-in fonts cover Latin-1 only,
so a few typographic characters are written in plain equivalents (:func:`latin1`).
"""

from __future__ import annotations

from fpdf import FPDF

from indicators.areas import Area
from indicators.claims import CLAIMS, LETTER
from indicators.periods import Period
from indicators.snapshot import Snapshot
from indicators.stats import METHOD_TEXT
from indicators.verdicts import SUPPORTED, VERDICT_MEANINGS, Assessment, assess

REPLACEMENTS = {
    "“": '"',
    "”": '"',
    "‘": "'",
    "’": "'",
    "–": "-",
    "—": "-",
    "·": "-",
    "≥": ">=",
    "≤": "<=",
    "χ²": "chi-square",
    "→": "->",
    "…": "...",
}
GREEN, INK, GREY = (0, 110, 60), (20, 20, 20), (110, 110, 110)
BAR, SELECTED = (170, 170, 170), (0, 114, 178)


def latin1(text: str) -> str:
    """Text the PDF's built-in fonts can set: typographic quotes and dashes made plain, anything else outside Latin-1 as '?'."""
    for old, new in REPLACEMENTS.items():
        text = text.replace(old, new)
    return text.encode("latin-1", "replace").decode("latin-1").replace("**", "")


class _Briefing(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=7)
        self.set_text_color(*GREY)
        self.cell(0, 5, latin1(f"{self.footer_text}   Page {self.page_no()}"), align="C")


def _text(pdf: FPDF, text: str, size: float = 9, style: str = "", colour: tuple[int, int, int] = INK, height: float = 4.2) -> None:
    pdf.set_font("Helvetica", style=style, size=size)
    pdf.set_text_color(*colour)
    pdf.multi_cell(0, height, latin1(text), new_x="LMARGIN", new_y="NEXT")


def _trend(pdf: FPDF, trend: list[tuple[str, float]], selected: str) -> None:
    """Small vector bar chart: one bar per complete period, the selected one in blue, values above."""
    if len(trend) < 2:
        return
    x0, y0, width, height = pdf.l_margin, pdf.get_y() + 1, min(110.0, 12.0 * len(trend)), 16.0
    top = max(value for _, value in trend) or 1
    step = width / len(trend)
    pdf.set_font("Helvetica", size=6)
    for position, (period, value) in enumerate(trend):
        bar = height * value / top
        x = x0 + position * step
        pdf.set_fill_color(*(SELECTED if period == selected else BAR))
        pdf.rect(x + 1, y0 + height - bar + 3, step - 2, bar, style="F")
        pdf.set_text_color(*INK)
        pdf.text(x + 1, y0 + height - bar + 2, f"{value:,.0f}")
        pdf.set_text_color(*GREY)
        pdf.text(x + 1, y0 + height + 6, latin1(period))
    pdf.set_y(y0 + height + 8)


def _claim(pdf: FPDF, assessment: Assessment, trend: list[tuple[str, float]]) -> None:
    claim, rung = assessment.claim, assessment.best
    _text(pdf, f"Claim {claim.number}: {claim.title}", size=11, style="B", height=5.5)
    _text(pdf, f"The letter: \u201c{claim.words}\u201d", style="I")
    _text(pdf, f"Rests on: {rung.label}")
    supported = rung.verdict == SUPPORTED
    _text(
        pdf,
        f"Verdict: {rung.verdict}{' (a change larger than normal variation)' if supported else ''}",
        size=10,
        style="B",
        colour=GREEN if supported else INK,
        height=5,
    )
    if rung.current is not None:
        _text(pdf, f"{rung.figure}: {rung.previous_label} {rung.previous_text}; {rung.current_label} {rung.value_text}.")
    _text(pdf, rung.reason, size=8, colour=GREY, height=3.8)
    if assessment.caveat:
        _text(pdf, f"Note: {assessment.caveat}", size=8, colour=GREY, height=3.8)
    if rung.rung == 1:
        _trend(pdf, trend, assessment.period.key)
    pdf.ln(2)


def briefing_pdf(snapshot: Snapshot, area: Area, period: Period, comparison: Period) -> bytes:
    """The briefing for one area and pair of periods, as PDF bytes."""
    assessments = [assess(snapshot, claim, area, period, comparison) for claim in CLAIMS]
    pdf = _Briefing(format="A4")
    pdf.footer_text = (
        f"Snapshot {snapshot.version}, built {snapshot.manifest['built_at'][:10]}. London knife-crime claims, checked against public data."
    )
    pdf.set_margins(15, 14, 15)
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_page()
    _text(pdf, "The Met's knife-crime claims, checked against public data", size=15, style="B", height=7)
    _text(
        pdf,
        f"Briefing: {assessments[0].scope}. {area.label}, {period.label} ({period.span}) against {comparison.label} ({comparison.span}).",
        size=9.5,
    )
    _text(
        pdf,
        f"Claims quoted from the {LETTER}. Figures computed from public data by the project's code; published statements are quoted as stated, not re-derived.",
        size=8,
        colour=GREY,
    )
    pdf.ln(2)
    for assessment in assessments:
        _claim(pdf, assessment, snapshot.trend(assessment.claim.headline, area, period.basis))
    _text(pdf, "How to read this", size=10, style="B", height=5)
    for verdict, meaning in VERDICT_MEANINGS.items():
        _text(pdf, f"{verdict}: {meaning}", size=8)
    _text(pdf, METHOD_TEXT, size=7.5, colour=GREY, height=3.5)
    pdf.ln(1)
    _text(pdf, "What each headline figure counts", size=10, style="B", height=5)
    for claim in CLAIMS:
        figure = snapshot.figure(claim.headline)
        through = snapshot.data_through(claim.headline)
        _text(
            pdf,
            f"Claim {claim.number}, {figure.label} ({'data through ' + format(through, '%B %Y') if through is not None else 'not in the embedded data'}): {figure.definition}",
            size=7.5,
            height=3.5,
        )
    pdf.ln(1)
    _text(pdf, "Sources and licences", size=10, style="B", height=5)
    sources = {entry["source"]["title"]: entry["source"] for entry in snapshot.manifest["tables"].values()}
    for source in sources.values():
        _text(
            pdf,
            f"{source['title']} - {source['publisher']}. {source['url']}. {source['licence']}. {source['attribution']}",
            size=7,
            colour=GREY,
            height=3.3,
        )
    return bytes(pdf.output())
