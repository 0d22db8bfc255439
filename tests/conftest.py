"""Shared fixtures: the real raw folder beside the project, and its geography."""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders.build import DEFAULT_RAW_DIR, geography_from_raw
from loaders.snapshot_files import SNAPSHOT_DIR

RAW = DEFAULT_RAW_DIR
KNIFE_PARQUET = RAW / "knife_crime/mps_monthly_crime_dashboard_knife__refresh-2026-03-18__fenneh-london-crime-data@8ea9f76.parquet"
KNIFE_CSV = RAW / "knife_crime/mps_monthly_crime_dashboard_knife__refresh-2026-03-18__as_csv.csv"
VICTIMS_2024 = RAW / "homicide/mps_homicide_victims_2003-01_to_2024-03__Mazedaa-London-Homicide-Project@9ba35d5.csv"
VICTIMS_2020 = RAW / "homicide/mps_homicide_victims_2003-01_to_2020-12__gabe-de-wit-julia-practice@0f718ce.csv"
CRIME_HISTORICAL = RAW / "homicide/mps_borough_level_crime_historical_2010-04_to_2024-02__fenneh-london-crime-data@8ea9f76.parquet"
CRIME_RECENT = RAW / "homicide/mps_borough_level_crime_recent_2024-03_to_2026-02__fenneh-london-crime-data@8ea9f76.parquet"
CRIME_RECENT_CSV = RAW / "homicide/mps_borough_level_crime_recent_2024-03_to_2026-02__fenneh-london-crime-data@8ea9f76__as_csv.csv"
API_JSON_DIR = RAW / "stop_search/police_uk_api_json_partial_metropolitan"


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    if not RAW.is_dir():
        pytest.fail(f"the raw folder {RAW} must sit beside the project (../shared/data/raw)")
    return RAW


@pytest.fixture(scope="session")
def geography(raw_dir):
    return geography_from_raw(raw_dir)


@pytest.fixture(scope="session")
def lookup(geography):
    return geography.lookup


@pytest.fixture(scope="session")
def locator(geography):
    return geography.locator


@pytest.fixture(scope="session")
def committed_snapshot() -> Path:
    return SNAPSHOT_DIR


@pytest.fixture(autouse=True)
def no_network_beyond_this_machine(monkeypatch):
    """Tests never leave the machine: a connection to anything but loopback fails loudly."""
    import socket

    connect = socket.socket.connect

    def loopback_only(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and host not in ("127.0.0.1", "::1", "localhost") and not host.startswith("/"):
            raise OSError(f"test tried to reach {host}: tests never leave the machine")
        return connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", loopback_only)
