"""The snapshot on disk: where it lives, and checked reads of its manifest and tables.

This is the contract between building the snapshot (``loaders.build``) and reading it
(``indicators.snapshot``). It imports nothing of the build (no shapely, no source
loaders), so the running app stays light.

Layout of ``data/snapshot/``: one parquet file per table (GeoJSON for boundaries) and
``manifest.json`` with, per table, its file, sha256, rows, months, source and licence.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd

from loaders.errors import SourceError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT_DIR = PROJECT_ROOT / "data" / "snapshot"
MANIFEST = "manifest.json"
#: The area code and name of rows a source does not place in any of the 32 boroughs.
NOT_ASSIGNED_CODE = "UNASSIGNED"
NOT_ASSIGNED = "Not assigned to a borough"
CITY_OF_LONDON_CODE = "E09000001"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(snapshot_dir: Path = SNAPSHOT_DIR) -> dict:
    path = Path(snapshot_dir) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        manifest["tables"], manifest["version"]
    except FileNotFoundError:
        raise SourceError(path, "no snapshot here; build one with `python -m loaders build`") from None
    except (json.JSONDecodeError, KeyError, TypeError) as err:
        raise SourceError(path, f"damaged manifest ({err}); rebuild with `python -m loaders build`") from None
    return manifest


def _checked_path(name: str, snapshot_dir: Path) -> Path:
    """The file of a manifest table, after checking it exists and matches its checksum."""
    entry = read_manifest(snapshot_dir)["tables"].get(name)
    if entry is None:
        raise SourceError(Path(snapshot_dir) / MANIFEST, f"no table '{name}' in the manifest; rebuild the snapshot")
    path = Path(snapshot_dir) / entry["file"]
    if not path.exists() or sha256_of(path) != entry["sha256"]:
        raise SourceError(path, "missing or does not match the manifest's checksum; rebuild with `python -m loaders build`")
    return path


def read_table(name: str, snapshot_dir: Path = SNAPSHOT_DIR) -> pd.DataFrame:
    """One snapshot table, checked against the manifest's checksum."""
    return pd.read_parquet(_checked_path(name, snapshot_dir))


def read_geojson(name: str, snapshot_dir: Path = SNAPSHOT_DIR) -> dict:
    """One snapshot GeoJSON file ('boroughs_geojson', 'bcus_geojson'), checked like a table."""
    return json.loads(_checked_path(name, snapshot_dir).read_text(encoding="utf-8"))
