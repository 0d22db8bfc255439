"""The briefing PDF: the four claims, their verdicts and what they rest on, read back from the PDF."""

from __future__ import annotations

import io

from pypdf import PdfReader

from indicators.__main__ import main
from indicators.claims import CLAIMS
from indicators.snapshot import Snapshot


def pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_briefing_command_writes_the_four_claims(tmp_path, capsys):
    out = tmp_path / "briefing.pdf"
    assert main(["briefing", "--out", str(out)]) == 0
    pages, text = pdf_text(out.read_bytes())
    assert 1 <= pages <= 2  # one or two A4 pages
    for claim in CLAIMS:
        assert f"Claim {claim.number}: {claim.title}" in text and claim.words in text
    assert "Rests on: Partly answered: April to August only" in text and "Verdict: Not supported" in text
    assert "FY2023/24 1,292; FY2024/25 1,224" in text  # claim 3's figures (checked against the raw CSV in test_beyond_headline)
    assert f"Snapshot {Snapshot.load().version}" in text and "Open Government Licence" in text
    assert "data through February 2026" in text  # the knife source's last month


def test_briefing_charts_are_vector_graphics(tmp_path):
    out = tmp_path / "briefing.pdf"
    assert main(["briefing", "--out", str(out)]) == 0
    reader = PdfReader(out)
    first = reader.pages[0]
    assert "/XObject" not in (first.get("/Resources") or {})  # no images: the trend bars are drawn as rectangles
    contents = first.get_contents()
    assert contents is not None and b" re" in contents.get_data()  # PDF rectangle operators


def test_briefing_refuses_a_bad_period_clearly(tmp_path, capsys):
    assert main(["briefing", "--basis", "cy", "--period", "FY2024/25", "--out", str(tmp_path / "b.pdf")]) == 1
    assert "FY2024/25 is not a period of the basis 'cy'" in capsys.readouterr().err
