"""``python -m indicators briefing [--area A] [--basis B] [--period P] [--compare C] [--out briefing.pdf]``: the briefing PDF.

``python -m indicators export [--area A] [--basis fy|fytd|cy|r12] [--period P] [--compare C] [--what W] [--format csv|json]``

What ``--what`` prints:
  values       every claim's figures for every period the snapshot covers (``value`` is empty
               where the period is not fully covered; see ``months_with_data``), with rates per 100,000
  verdicts     every rung of evidence for every claim (full periods, part years, nearest official
               figure, published statements) with the interval, the dispersion and the verdict,
               for --period against --compare (default: the basis's default period against a year before)
  changes      each complete period against the one before, with the quasi-Poisson 95% interval
  letter       every statement of the letter and what open data say about it, for --area and --period against --compare
  stop-search  weapons searches by legal power and ethnic group
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from indicators.areas import UnknownArea, parse_area
from indicators.briefing import briefing_pdf
from indicators.export import changes_table, everything_table, export_table, stop_search_table, verdicts_table
from indicators.letter import View, letter_table
from indicators.periods import BASES, Period, UnknownPeriod, default_period, parse_period
from indicators.snapshot import Snapshot
from indicators.tables import csv_bytes
from loaders.errors import SourceError
from loaders.snapshot_files import SNAPSHOT_DIR

WHAT = ("values", "verdicts", "changes", "letter", "stop-search")


def chosen_periods(args: argparse.Namespace, snapshot: Snapshot) -> tuple[Period, Period]:
    """--period (default: the basis's default) and --compare (default: a year before), checked against --basis."""
    period = parse_period(args.period) if args.period else default_period(snapshot.selectable_periods(args.basis), args.basis)
    comparison = parse_period(args.compare) if args.compare else period.shifted(-1)
    for chosen in (period, comparison):
        if chosen.basis != args.basis:
            raise ValueError(f"{chosen.key} is not a period of the basis '{args.basis}'")
    return period, comparison


def table_for(args: argparse.Namespace, snapshot: Snapshot) -> pd.DataFrame:
    """The table ``--what`` names; raises UnknownArea/UnknownPeriod/ValueError on bad options."""
    if args.area.strip().lower() == "all":
        if args.what != "values":
            raise ValueError("--area all is for --what values (every area, every period of the basis, every figure)")
        return everything_table(snapshot, (args.basis,))
    area = parse_area(args.area, snapshot.areas)
    if args.what == "letter":
        return letter_table(snapshot, View(area, *chosen_periods(args, snapshot)))
    if args.what == "values":
        return export_table(snapshot, area, args.basis)
    if args.what == "changes":
        return changes_table(snapshot, area, args.basis)
    if args.what == "stop-search":
        return stop_search_table(snapshot, area, args.basis)
    return verdicts_table(snapshot, area, *chosen_periods(args, snapshot))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m indicators", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    export = commands.add_parser("export", help="print the figures, verdicts or breakdowns as CSV or JSON")
    export.add_argument(
        "--area", default="London", help="London, a BCU (e.g. 'Central East'), a borough (e.g. 'Hackney'), or 'all' (every one, --what values)"
    )
    export.add_argument("--basis", choices=list(BASES), default="fy", help="; ".join(f"{k}: {v}" for k, v in BASES.items()))
    export.add_argument("--period", help="for --what verdicts: e.g. FY2024/25, FYTD2024/25, CY2024, R12-2025-03")
    export.add_argument("--compare", help="for --what verdicts: the period compared with (default: a year before --period)")
    export.add_argument("--format", choices=["csv", "json"], default="csv")
    export.add_argument("--what", choices=WHAT, default="values", help="see above")
    export.add_argument("--snapshot", type=Path, default=SNAPSHOT_DIR)
    briefing = commands.add_parser("briefing", help="write the briefing PDF (the four claims, verdicts, evidence, definitions, sources)")
    briefing.add_argument("--area", default="London", help="London, a BCU or a borough")
    briefing.add_argument("--basis", choices=list(BASES), default="fy")
    briefing.add_argument("--period", help="e.g. FY2024/25 (default: the basis's default)")
    briefing.add_argument("--compare", help="default: a year before --period")
    briefing.add_argument("--out", type=Path, default=Path("briefing.pdf"), help="where to write the PDF (default briefing.pdf)")
    briefing.add_argument("--snapshot", type=Path, default=SNAPSHOT_DIR)
    args = parser.parse_args(argv)
    if args.command == "briefing":
        return write_briefing(args)
    try:
        table = table_for(args, Snapshot.load(args.snapshot))
    except (SourceError, UnknownArea, UnknownPeriod, ValueError) as err:
        print(f"export failed: {err}", file=sys.stderr)
        return 1
    if table.empty:
        print(f"export: no rows for --what {args.what} in this snapshot (see the Sources and methods page)", file=sys.stderr)
    try:
        if args.format == "csv":
            sys.stdout.write(csv_bytes(table).decode("utf-8"))
        else:
            sys.stdout.write(table.to_json(orient="records", indent=1, date_format="iso") + "\n")
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. piped into `head`
        sys.stderr.close()
    return 0


def write_briefing(args: argparse.Namespace) -> int:
    try:
        snapshot = Snapshot.load(args.snapshot)
        area = parse_area(args.area, snapshot.areas)
        period, comparison = chosen_periods(args, snapshot)
        args.out.write_bytes(briefing_pdf(snapshot, area, period, comparison))
    except (SourceError, UnknownArea, UnknownPeriod, ValueError) as err:
        print(f"briefing failed: {err}", file=sys.stderr)
        return 1
    except OSError as err:
        print(f"briefing failed: cannot write {args.out}: {err.strerror or err}", file=sys.stderr)
        return 1
    print(f"Briefing for {area.label}, {period.label} against {comparison.label} -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
