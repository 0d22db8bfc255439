"""Definitions live in one place: a figure is a selection over the sources' own categories,
claims are declarations in claims.toml, and the running app does not load the build code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from indicators.areas import Area
from indicators.claims import CLAIMS_FILE, ClaimsFileError, load_claims
from indicators.export import export_table
from indicators.figures import FIGURES, POSITIVE_OUTCOME, AllOf, Count, Is
from indicators.periods import parse_period
from indicators.snapshot import Snapshot
from loaders.snapshot_files import PROJECT_ROOT

LONDON = Area("London", "London")
APRIL_TO_AUGUST_2024 = pd.date_range("2024-04-01", "2024-08-01", freq="MS")


def test_a_different_weapons_selection_is_one_declaration_and_no_rebuild():
    """SOURCES.md's Met-only estimate counts only 'Offensive weapons' and 'Firearms' as weapons:
    7,573 searches and 2,028 positive outcomes in April-August 2024. Declaring that selection
    reproduces both from the same committed snapshot."""
    narrow = Is("object_of_search", ("Offensive weapons", "Firearms"))
    figures = {
        **FIGURES,
        "narrow_weapons": Count("narrow_weapons", "Narrow", "searches", "stop_search", "Stop and searches", narrow),
        "narrow_weapons_positive": Count(
            "narrow_weapons_positive", "Narrow positive", "searches", "stop_search", "Stop and searches", AllOf((narrow, POSITIVE_OUTCOME))
        ),
    }
    snapshot = Snapshot.load(figures=figures)
    assert snapshot.value_over("narrow_weapons", LONDON, APRIL_TO_AUGUST_2024) == 7_573
    assert snapshot.value_over("narrow_weapons_positive", LONDON, APRIL_TO_AUGUST_2024) == 2_028
    # the registry's wider definition (adds 'Anything to threaten or harm anyone' and every section 60 search) gives more
    wider = snapshot.value_over("weapons_searches", LONDON, APRIL_TO_AUGUST_2024)
    assert wider is not None and wider > 7_573
    assert "'Offensive weapons' or 'Firearms'" in figures["narrow_weapons"].definition  # the text follows the declaration


def test_a_count_sums_its_selection_by_month_and_borough():
    """Count.monthly on a constructed table, against a plain loop over its rows: every month of the
    table gets a row (0 where nothing is selected), a borough with no selected row gets no column,
    and a London-only count is one column whatever the rows' codes."""
    months = pd.DatetimeIndex(["2024-01-01", "2024-02-01", "2024-03-01"], dtype="datetime64[ms]")
    table = pd.DataFrame(
        {
            "month": months[[0, 0, 0, 2, 2, 1]],
            "borough_code": pd.array(["E09000002", "E09000002", "E09000003", "E09000003", "E09000002", "E09000004"], dtype="string"),
            "method": pd.array(["Knife or Sharp Implement"] * 5 + ["Shooting"], dtype="string"),
            "victims": [2, 3, 1, 4, 5, 7],
        }
    )
    knife = Count("k", "Knife", "victims", "homicide_victims", "Homicide victims", Is("method", ("Knife or Sharp Implement",)))
    wide = knife.monthly({"homicide_victims": table}, months)
    expected: dict[tuple[pd.Timestamp, str], int] = {}
    for row in table.itertuples():
        if row.method == "Knife or Sharp Implement":
            expected[row.month, row.borough_code] = expected.get((row.month, row.borough_code), 0) + row.victims
    assert list(wide.index) == list(months) and list(wide.columns) == ["E09000002", "E09000003"]  # E09000004: shootings only
    assert {(m, c): int(wide.loc[m, c]) for m in months for c in wide.columns if wide.loc[m, c]} == expected
    assert wide.loc[months[1]].tolist() == [0, 0]  # February: nothing selected, still a row
    london_only = Count(
        "l", "London", "victims", "homicide_victims", "Homicide victims", Is("method", ("Knife or Sharp Implement",)), london_only=True
    )
    assert london_only.monthly({"homicide_victims": table}, months)["LONDON"].tolist() == [6, 0, 9]
    with pytest.raises(ValueError, match="do not hold every month"):
        knife.monthly({"homicide_victims": table}, months[[0, 1]])  # March's rows would land nowhere


def test_definitions_on_screen_are_written_from_the_declarations():
    assert "method of killing is 'Knife or Sharp Implement'" in FIGURES["knife_homicide_victims"].definition
    assert "age group is '0 to 12' or '13 to 19'" in FIGURES["homicide_victims_0_19"].definition
    assert "legal power mentions 'section 60'" in FIGURES["weapons_searches"].definition
    assert FIGURES["weapons_positive_outcome_rate"].definition.startswith("Weapons searches with a positive outcome per 100 weapons searches")


def test_every_figure_has_one_interface():
    for figure in FIGURES.values():
        assert figure.label and figure.unit and figure.definition
        assert figure.format(None) == "no data"
    assert FIGURES["weapons_positive_outcome_rate"].format(25.509) == "25.5%"
    assert FIGURES["knife_homicide_victims"].format(1224) == "1,224"


# ---- claims.toml ----------------------------------------------------------------------------------------


def claims_file(tmp_path: Path, old: str, new: str) -> Path:
    text = CLAIMS_FILE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "claims.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "old, new, words",
    [
        ('headline = "knife_homicide_victims"', 'headline = "knife_homicides"', ["claim 1", "headline", "'knife_homicides'", "not a figure"]),
        ('direction = "down"', 'direction = "sideways"', ["claim 1", "direction", "'sideways'"]),
        ("number = 2", "number = 1", ["number 1 is used by more than one claim"]),
        ('title = "Knife-enabled homicides"\n', "", ["claim 1", "'title'", "non-empty text"]),
        ('title = "Knife-enabled homicides"', 'title = "Knife-enabled homicides"\ncolour = "red"', ["claim 1", "unknown field 'colour'"]),
        ('companions = ["homicide_victims_0_12"', 'companions = ["homicide_victims_0_11"', ["claim 2", "companions", "'homicide_victims_0_11'"]),
        (
            'nearest_official = ["Homicide offences involving a knife"]',
            'nearest_official = ["Knife deaths"]',
            ["claim 1", "nearest_official", "'Knife deaths'"],
        ),
        ("[[claim]]\nnumber = 1", "[[claim]\nnumber = 1", ["not readable TOML"]),
    ],
    ids=[
        "unknown figure",
        "bad direction",
        "repeated number",
        "missing field",
        "unknown field",
        "unknown companion",
        "unknown official measure",
        "broken toml",
    ],
)
def test_claims_file_mistakes_give_one_clear_error(tmp_path, old, new, words):
    with pytest.raises(ClaimsFileError) as raised:
        load_claims(claims_file(tmp_path, old, new))
    message = str(raised.value)
    assert "claims.toml" in message
    for word in words:
        assert word in message, message


def test_a_new_claim_is_one_declaration(tmp_path):
    extra = (
        '\n[[claim]]\nnumber = 5\nslug = "robbery"\ntitle = "Personal robbery"\nwords = "A reduction in robbery"\ndirection = "down"\n'
        'headline = "personal_robbery_offences"\ncompanions = []\ncontext = ["knife_injury_robbery_offences"]\nnearest_official = []\n'
        'would_settle_it = "Already in open data."\ncaveats = []\n'
    )
    path = tmp_path / "claims.toml"
    path.write_text(CLAIMS_FILE.read_text(encoding="utf-8") + extra, encoding="utf-8")
    claims = load_claims(path)
    assert [c.number for c in claims] == [1, 2, 3, 4, 5] and claims[-1].url_path == "robbery"
    from indicators.verdicts import assess

    exported = export_table(Snapshot.load(), LONDON, "fy", claims=[claims[-1]])
    assert set(exported["measure"]) == {"personal_robbery_offences", "knife_injury_robbery_offences"}
    assert assess(Snapshot.load(), claims[-1], LONDON, parse_period("FY2024/25"), parse_period("FY2023/24")).best.rung == 1


# ---- rooms ---------------------------------------------------------------------------------------------


def test_the_running_app_does_not_import_the_build_code():
    """What app.py, the pages and the indicator layer import: no shapely, no loaders.build, no source loaders."""
    code = (
        "import sys, runpy\n"
        "import ui.cached, ui.pages, ui.filters, ui.tiles, ui.charts, ui.claim_page, ui.warmup\n"
        "import indicators.export, indicators.letter, indicators.methods, indicators.__main__\n"
        "heavy = sorted(m for m in sys.modules if m == 'shapely' or m.startswith(('shapely.', 'loaders.build', 'loaders.stop_search', 'loaders.geography', 'python_calamine')))\n"
        "print(heavy)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120, check=True)
    assert result.stdout.strip() == "[]", result.stdout
