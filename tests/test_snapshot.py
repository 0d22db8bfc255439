"""The snapshot build: reproducible, matches the committed copy, and never half-written."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from loaders import __main__ as cli
from loaders.build import build_into, build_snapshot, compare_snapshots
from loaders.errors import SourceError
from loaders.snapshot_files import read_manifest, read_table, sha256_of


@pytest.fixture(scope="module")
def fresh_build(tmp_path_factory, raw_dir):
    out = tmp_path_factory.mktemp("fresh")
    build_into(raw_dir, out)
    return out


def test_committed_snapshot_is_reproduced_byte_for_byte(fresh_build, committed_snapshot):
    assert compare_snapshots(committed_snapshot, fresh_build) == []


def test_check_command_reports_differences(tmp_path, raw_dir, committed_snapshot, capsys):
    altered = tmp_path / "snapshot"
    shutil.copytree(committed_snapshot, altered)
    pd.read_parquet(altered / "knife_crime.parquet").head(10).to_parquet(altered / "knife_crime.parquet")
    assert cli.main(["--snapshot", str(altered), "build", "--check", "--raw", str(raw_dir)]) == 1
    assert "knife_crime.parquet: bytes differ" in capsys.readouterr().out


def test_manifest_describes_every_table(fresh_build):
    manifest = read_manifest(fresh_build)
    tables = manifest["tables"]
    assert tables["knife_crime"]["first_month"] == "2022-03" and tables["knife_crime"]["last_month"] == "2026-02"
    assert tables["homicide_victims"]["last_month"] == "2024-03"
    assert tables["borough_crime"]["last_month"] == "2026-02"
    assert (tables["stop_search"]["first_month"], tables["stop_search"]["last_month"]) == ("2023-04", "2024-08")
    assert "about 1.5% low" in tables["stop_search"]["notes"] and "separated approximately" in tables["stop_search"]["notes"]
    assert [m[:7] for m in tables["stop_search"]["months_refused"]] == ["2024-09", "2024-10", "2024-11", "2024-12", "2025-01", "2025-02"]
    assert tables["ons_homicide"]["first_month"] == "2023-12" and tables["ons_homicide"]["last_month"] == "2024-12"
    assert tables["published_figures"]["rows"] == 15
    for name, entry in tables.items():
        licence = entry["source"]["licence"]
        assert "Open Government Licence" in licence or (name == "published_figures" and "attribution" in licence), name
        assert all(len(i["sha256"]) == 64 for i in entry["inputs"]), name
        assert entry["inputs"] or entry["rows"] == 0, name
        assert sha256_of(fresh_build / entry["file"]) == entry["sha256"]


def test_snapshot_victims_are_aggregated_counts(fresh_build):
    victims = read_table("homicide_victims", fresh_build)
    fy = victims[(victims.month >= "2023-04-01") & (victims.month < "2024-04-01")]
    assert fy.victims.sum() == 111
    assert fy[fy.method == "Knife or Sharp Implement"].victims.sum() == 81


def test_failed_build_leaves_snapshot_untouched(tmp_path, raw_dir, committed_snapshot):
    snapshot = tmp_path / "snapshot"
    shutil.copytree(committed_snapshot, snapshot)
    before = {p.name: sha256_of(p) for p in snapshot.iterdir()}
    broken_raw = tmp_path / "raw"
    shutil.copytree(raw_dir, broken_raw)
    for path in broken_raw.glob("knife_crime/*"):
        path.chmod(0o644)
    (broken_raw / "knife_crime" / "zz_knife_broken.csv").write_text("Month_Year,Count\n2024-01-01,1\n")
    with pytest.raises(SourceError, match=r"zz_knife_broken\.csv"):
        build_snapshot(broken_raw, snapshot)
    assert {p.name: sha256_of(p) for p in snapshot.iterdir()} == before
    assert not list(tmp_path.glob(".snapshot-*"))


def test_corrupted_table_is_detected(tmp_path, committed_snapshot):
    snapshot = tmp_path / "snapshot"
    shutil.copytree(committed_snapshot, snapshot)
    (snapshot / "knife_crime.parquet").write_bytes(b"PAR1 damaged")
    with pytest.raises(SourceError, match="checksum"):
        read_table("knife_crime", snapshot)


def test_missing_manifest_says_how_to_rebuild(tmp_path):
    with pytest.raises(SourceError, match="python -m loaders build"):
        read_manifest(tmp_path)


def test_status_command(committed_snapshot, capsys):
    assert cli.main(["--snapshot", str(committed_snapshot), "status"]) == 0
    out = capsys.readouterr().out
    assert "knife_crime" in out and "2026-02" in out and "homicide_victims" in out


def test_a_gap_between_the_borough_files_is_missing_data_not_zeros(tmp_path, raw_dir):
    """Months missing between the historical and the recent file leave FY2024/25 uncovered (no 52 instead of 104)."""
    from indicators.areas import Area
    from indicators.periods import parse_period
    from indicators.snapshot import Snapshot

    raw = tmp_path / "raw"
    shutil.copytree(raw_dir, raw, ignore=shutil.ignore_patterns("*borough_level_crime_recent*"))
    recent = pd.read_parquet(next(raw_dir.glob("homicide/*borough_level_crime_recent*.parquet")))
    recent.drop(columns=["202409", "202410", "202411", "202412"]).to_parquet(raw / "homicide" / "mps_borough_level_crime_recent_with_gap.parquet")
    out = tmp_path / "snapshot"
    out.mkdir()
    build_into(raw, out)
    snapshot = Snapshot.load(out)
    london = Area("London", "London")
    assert snapshot.value("homicide_offences", london, parse_period("FY2024/25")) is None
    assert snapshot.value("homicide_offences", london, parse_period("FY2023/24")) == 112  # SOURCES.md reference figure
    covered = {f"{m:%Y-%m}" for m in snapshot.months_covered("homicide_offences")}
    assert "2024-08" in covered and "2024-09" not in covered and "2025-01" in covered


def test_the_new_snapshot_is_exchanged_in_one_step(tmp_path):
    from loaders.build import _exchange, swap_in

    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    (a / "x").write_text("a")
    assert _exchange(a, b) and (b / "x").read_text() == "a" and not (a / "x").exists()  # one atomic renameat2 exchange on Linux
    a.rmdir()
    shutil.rmtree(b)

    current, staging = tmp_path / "snapshot", tmp_path / ".snapshot-build-x"
    current.mkdir()
    (current / "manifest.json").write_text("old")
    staging.mkdir()
    (staging / "manifest.json").write_text("new")
    inode = staging.stat().st_ino
    swap_in(staging, current)
    assert (current / "manifest.json").read_text() == "new" and current.stat().st_ino == inode
    assert sorted(p.name for p in tmp_path.iterdir()) == ["snapshot"]  # the old copy is removed


def test_monthly_counts_pick_each_month_asked_for_whatever_its_time_unit(committed_snapshot):
    """The queries look months up as month numbers: the answer follows the months asked for
    (order included), not the index's time unit, and any month not covered gives None."""
    from indicators.areas import Area
    from indicators.snapshot import Snapshot

    snapshot, hackney = Snapshot.load(committed_snapshot), Area("Borough", "Hackney")
    months = pd.DatetimeIndex(["2025-03-01", "2024-04-01", "2024-12-01"])
    by_month = snapshot.monthly_series("homicide_offences", hackney).set_index("month")["value"]
    expected = [int(by_month[month]) for month in months]
    assert sum(expected) > 0
    for unit in ("s", "ms", "us", "ns"):
        counts = snapshot.monthly_counts("homicide_offences", hackney, months.as_unit(unit))
        assert counts is not None and counts.tolist() == expected
    assert snapshot.value_over("homicide_offences", hackney, months) == sum(expected)
    beyond = snapshot.months_covered("homicide_offences").max() + pd.DateOffset(months=1)
    assert snapshot.monthly_counts("homicide_offences", hackney, months.append(pd.DatetimeIndex([beyond]))) is None
    assert snapshot.monthly_counts("homicide_offences", hackney, pd.DatetimeIndex([])) is None
    assert not snapshot.covers("homicide_offences", pd.DatetimeIndex(["1990-01-01"]))


def test_trend_is_the_complete_periods_of_the_period_table(committed_snapshot):
    """The scorecard's trend words and the briefing's bars come from :meth:`Snapshot.trend`, which
    skips building :meth:`Snapshot.by_period`'s table: both must give the same periods and values
    (counts and rates, every area, every basis)."""
    from indicators.areas import area_options
    from indicators.periods import BASES
    from indicators.snapshot import Snapshot

    snapshot = Snapshot.load(committed_snapshot)
    for key in ("knife_injury_victims_under_25_non_da", "weapons_positive_outcome_rate", "homicide_offences", "knife_homicide_victims"):
        for area in area_options(snapshot.areas):
            for basis in BASES:
                table = snapshot.by_period(key, area, basis)
                expected = [(row.period, row.value) for row in table.itertuples() if row.complete and pd.notna(row.value)]
                assert snapshot.trend(key, area, basis) == expected, (key, area.key, basis)


def test_a_periods_months_are_the_first_of_each_month_it_spans():
    """Period.months() is built with numpy month arithmetic; checked against pandas' own month-start range
    for every period of every basis from 2003 (the homicide data's start) to 2026."""
    from indicators.periods import BASES, periods_between

    for basis in BASES:
        for period in periods_between(pd.Timestamp("2003-01-01"), pd.Timestamp("2026-12-01"), basis):
            expected = pd.date_range(period.start, period.end, freq="MS", inclusive="left")
            assert len(expected) == period.length and period.months().equals(expected), period.key
