"""Command line: ``python -m loaders build|refresh|status``."""

from __future__ import annotations

import argparse
import signal
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from loaders.build import DEFAULT_RAW_DIR, SnapshotBusy, build_into, build_snapshot, compare_snapshots, snapshot_lock
from loaders.errors import SourceError
from loaders.refresh import DATASTORE, FIRST_MONTH, ONS, POLICE, Endpoints, RefreshError, refresh
from loaders.snapshot_files import SNAPSHOT_DIR, read_manifest


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def command_build(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    if args.check:
        with tempfile.TemporaryDirectory() as scratch:
            build_into(args.raw, Path(scratch), progress=_progress)
            differences = compare_snapshots(args.snapshot, Path(scratch))
        if differences:
            print("The committed snapshot differs from a fresh build:")
            print("\n".join(f"  {line}" for line in differences))
            return 1
        print(f"A fresh build from {args.raw} reproduces {args.snapshot} byte for byte (build time aside).")
        return 0
    with snapshot_lock(args.snapshot):
        manifest = build_snapshot(args.raw, args.snapshot, progress=_progress)
    print(f"Built snapshot {manifest['version']} in {time.perf_counter() - started:.1f} s -> {args.snapshot}")
    return 0


def command_refresh(args: argparse.Namespace) -> int:
    endpoints = Endpoints(args.datastore_url, args.police_url, args.ons_url)
    manifest = refresh(args.raw if args.raw.is_dir() else None, args.snapshot, first_month=args.since, endpoints=endpoints)
    print(f"Refreshed: snapshot {manifest['version']} -> {args.snapshot}")
    print_sources(manifest)
    return 0


def print_sources(manifest: dict) -> None:
    """Which sources are fresh and which were kept from the last good data, and why."""
    for name, status in manifest.get("sources", {}).items():
        line = f"  {name:36} {status['status']}"
        if status.get("reason"):
            line += f": {status['reason']}"
        elif status.get("from"):
            line += f" from {', '.join(status['from'])}"
        print(line)
        for remark in status.get("remarks", []):
            print(f"  {'':36}   {remark}")


def command_status(args: argparse.Namespace) -> int:
    manifest = read_manifest(args.snapshot)
    built = datetime.fromisoformat(manifest["built_at"])
    age_days = (datetime.now(UTC) - built).days
    print(f"Snapshot {manifest['version']} in {args.snapshot}, built {manifest['built_at']} ({age_days} days ago)")
    print(f"{'table':36} {'rows':>8}  {'from':7}  {'to':7}  {'months old':>10}  source")
    for name, entry in manifest["tables"].items():
        last = entry.get("last_month")
        old = "" if not last else str((datetime.now().year - int(last[:4])) * 12 + datetime.now().month - int(last[5:]))
        print(f"{name:36} {entry['rows']:>8,}  {entry.get('first_month') or '-':7}  {last or '-':7}  {old:>10}  {entry['source']['title'][:60]}")
        if entry.get("notes") and entry["rows"] == 0:
            print(f"{'':36} {entry['notes']}")
    print("Sources (fresh: built from the files of the last build or refresh; kept: the last good data, and why):")
    print_sources(manifest)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m loaders", description=__doc__)
    parser.add_argument("--snapshot", type=Path, default=SNAPSHOT_DIR, help="snapshot folder (default: data/snapshot)")
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="build the snapshot from a raw folder")
    build.add_argument("--raw", type=Path, default=DEFAULT_RAW_DIR, help="raw folder (default: ../shared/data/raw)")
    build.add_argument("--check", action="store_true", help="build to a scratch folder and report differences from the snapshot")
    build.set_defaults(run=command_build)
    fresh = commands.add_parser("refresh", help="download the live sources and rebuild the snapshot")
    fresh.add_argument("--raw", type=Path, default=DEFAULT_RAW_DIR, help="raw folder for geography and population, if present")
    fresh.add_argument("--since", default=FIRST_MONTH, help=f"first stop-and-search month to fetch (default {FIRST_MONTH})")
    for option, default in (("--datastore-url", DATASTORE), ("--police-url", POLICE), ("--ons-url", ONS)):
        fresh.add_argument(option, default=default, help=f"base address of the service or a mirror of it (default {default})")
    fresh.set_defaults(run=command_refresh)
    status = commands.add_parser("status", help="what the snapshot holds and how old each source is")
    status.set_defaults(run=command_status)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)  # a terminated build cleans up like Ctrl-C
    try:
        return args.run(args)
    except (SourceError, RefreshError, SnapshotBusy) as err:
        print(f"{args.command} failed: {err}", file=sys.stderr)
        return 1
    except OSError as err:  # read-only folder, full disk, ...
        print(
            f"{args.command} failed: cannot write {err.filename or args.snapshot}: {err.strerror or err}; the snapshot was not changed",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        print(f"{args.command} interrupted; the snapshot was not changed", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
