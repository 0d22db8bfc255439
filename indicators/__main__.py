"""``python -m indicators export --area "<London|BCU name|borough name>" --basis fy|cy [--format csv|json] [--what values|changes]``

Prints every claim's measures for every period the snapshot covers (``value`` is empty
where the period is not fully covered by the source; see ``months_with_data``), or with
``--what changes`` each period against the one before with the exact 95% interval,
``--what letter`` every statement of the letter, ``--what stop-search`` weapons searches
by legal power and ethnic group.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from indicators.areas import UnknownArea, parse_area
from indicators.data import Snapshot
from indicators.export import changes_table, export_table, stop_search_table
from indicators.letter import letter_table
from loaders.snapshot import SNAPSHOT_DIR
from loaders.validation import SourceError

TABLES = {
    "values": export_table,
    "changes": changes_table,
    "letter": lambda snapshot, area, basis: letter_table(snapshot),
    "stop-search": stop_search_table,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m indicators", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    export = commands.add_parser("export", help="print every claim's measures by period")
    export.add_argument("--area", default="London", help="London, a BCU (e.g. 'Central East') or a borough (e.g. 'Hackney')")
    export.add_argument("--basis", choices=["fy", "cy"], default="fy", help="financial or calendar years")
    export.add_argument("--format", choices=["csv", "json"], default="csv")
    export.add_argument(
        "--what",
        choices=list(TABLES),
        default="values",
        help="values: every measure by period (with rates per 100,000); changes: each period against the one before, with the exact 95%% interval; "
        "letter: every statement in the letter; stop-search: weapons searches by legal power and ethnic group",
    )
    export.add_argument("--snapshot", type=Path, default=SNAPSHOT_DIR)
    args = parser.parse_args(argv)
    try:
        snapshot = Snapshot.load(args.snapshot)
        area = parse_area(args.area, snapshot.areas)
    except (SourceError, UnknownArea) as err:
        print(f"export failed: {err}", file=sys.stderr)
        return 1
    table = TABLES[args.what](snapshot, area, args.basis)
    if table.empty:
        print(f"export: no rows for --what {args.what} in this snapshot (see `python -m loaders status`)", file=sys.stderr)
    try:
        if args.format == "csv":
            table.to_csv(sys.stdout, index=False, lineterminator="\n")
        else:
            sys.stdout.write(table.to_json(orient="records", indent=1) + "\n")
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. piped into `head`
        sys.stderr.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
