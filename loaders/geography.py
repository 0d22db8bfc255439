"""London boroughs, the Met's 12 Basic Command Units (BCUs), and borough boundaries.

Sources (in the raw folder's ``geo/``):
- ``borough_to_bcu_compiled.csv``: one row per borough: borough, gss_code, bcu.
- ``London_Borough_Excluding_MHW.geojson``: GLA statistical GIS boundaries, WGS84,
  33 features (32 boroughs + City of London), properties NAME and GSS_CODE.

Areas used everywhere in the project:
- the 32 boroughs, by GSS code E09000002-E09000033 and canonical ONS name;
- ``NOT_ASSIGNED``: rows the source does not place in a borough (``Unmapped``,
  ``Heathrow``, ``Other / NK``, ``Unknown``, stops with no coordinates or located
  in the City of London). They count in the London total and in no borough or BCU.
The City of London (E09000001) is policed by the City of London Police, not the Met.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from loaders.errors import SourceError
from loaders.snapshot_files import CITY_OF_LONDON_CODE, NOT_ASSIGNED, NOT_ASSIGNED_CODE
from loaders.validation import map_labels, read_csv_as_text, require_columns

BCU_TABLE = "geo/borough_to_bcu_compiled.csv"
BOUNDARIES = "geo/London_Borough_Excluding_MHW.geojson"


# Labels that public MPS files use for rows outside any borough.
NOT_ASSIGNED_LABELS = {
    "unmapped",
    "heathrow",
    "other / nk",
    "unknown",
    "london heathrow and london city airports",
    "n/k (legacy only)",
    "aviation security (so18) (legacy only)",
    "non met police force",
    "",
}
# Short forms seen in public files, after normalisation.
ALIASES = {
    "kingston": "kingston upon thames",
    "richmond": "richmond upon thames",
    "city of westminster": "westminster",
    "hammersmith fulham": "hammersmith and fulham",
    "kensington chelsea": "kensington and chelsea",
    "barking dagenham": "barking and dagenham",
}

#: Columns of :func:`load_boroughs`.
BOROUGH_SCHEMA = {"borough_code": "string", "borough": "string", "bcu": "string"}


def _label_key(label: str) -> str:
    key = re.sub(r"\s+", " ", str(label).replace("&", " and ").strip().lower())
    return ALIASES.get(key, key)


def load_boroughs(raw_dir: Path) -> pd.DataFrame:
    """The 32 Met boroughs: borough_code (GSS), borough (ONS name), bcu (e.g. 'Central East')."""
    path = Path(raw_dir) / BCU_TABLE
    table = read_csv_as_text(path)
    require_columns(table, ["borough", "gss_code", "bcu"], path, "borough-to-BCU")
    boroughs = pd.DataFrame(
        {
            "borough_code": table["gss_code"].str.strip(),
            "borough": table["borough"].str.strip(),
            "bcu": table["bcu"].str.strip(),
        }
    ).astype(BOROUGH_SCHEMA)
    bad_code = ~boroughs["borough_code"].str.fullmatch(r"E090000(0[2-9]|[12]\d|3[0-3])")
    if bad_code.any():
        raise SourceError(path, f"{boroughs.borough_code[bad_code].tolist()} are not Met borough GSS codes", "gss_code")
    if len(boroughs) != 32 or boroughs["borough_code"].nunique() != 32:
        raise SourceError(path, f"expected 32 distinct boroughs, found {boroughs['borough_code'].nunique()}", "gss_code")
    if boroughs["bcu"].nunique() != 12:
        raise SourceError(path, f"expected 12 BCUs, found {boroughs['bcu'].nunique()}", "bcu")
    return boroughs.sort_values("borough").reset_index(drop=True)


@dataclass(frozen=True)
class BoroughLookup:
    """Turns borough labels and coordinates into GSS codes (or NOT_ASSIGNED_CODE)."""

    boroughs: pd.DataFrame

    def codes_for_labels(self, labels: pd.Series, file: Path, column: str) -> pd.Series:
        """GSS code per label; '&' vs 'and', case and short forms are tolerated.

        An unrecognised label raises SourceError naming the file, the column and its first row.
        """
        by_key = {_label_key(name): code for name, code in zip(self.boroughs.borough, self.boroughs.borough_code)}
        by_key.update({label: NOT_ASSIGNED_CODE for label in NOT_ASSIGNED_LABELS})
        unique_labels = labels.fillna("").astype("string").str.strip().unique()
        mapping = {label: by_key.get(_label_key(label)) for label in unique_labels}
        known = {label: code for label, code in mapping.items() if code is not None}
        return map_labels(labels.fillna(""), known, file, column).astype("string")

    def names(self, codes: pd.Series) -> pd.DataFrame:
        """borough and bcu for each GSS code; NOT_ASSIGNED for the not-assigned code."""
        table = self.boroughs.set_index("borough_code")
        return pd.DataFrame(
            {
                "borough": codes.map(table["borough"]).fillna(NOT_ASSIGNED).astype("string"),
                "bcu": codes.map(table["bcu"]).fillna(NOT_ASSIGNED).astype("string"),
            },
            index=codes.index,
        )


def load_boundaries(raw_dir: Path) -> dict:
    """The boundary GeoJSON as a dict; checks it has the 33 London GSS codes."""
    path = Path(raw_dir) / BOUNDARIES
    try:
        collection = json.loads(path.read_text(encoding="utf-8"))
        codes = {feature["properties"]["GSS_CODE"] for feature in collection["features"]}
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as err:
        raise SourceError(path, f"not a GeoJSON FeatureCollection with GSS_CODE properties: {err}") from None
    expected = {f"E09{n:06d}" for n in range(1, 34)}
    if codes != expected:
        raise SourceError(path, f"GSS codes differ from E09000001-E09000033: {sorted(codes ^ expected)[:5]}", "GSS_CODE")
    for feature in collection["features"]:
        geometry = feature.get("geometry")
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        code = feature["properties"]["GSS_CODE"]
        if kind not in ("Polygon", "MultiPolygon"):
            raise SourceError(path, f"{code}: geometry {kind!r} is not a Polygon or MultiPolygon", "geometry")
        try:
            _outline(geometry)
        except (ValueError, TypeError, IndexError, shapely.errors.GEOSException) as err:
            raise SourceError(path, f"{code}: the {kind}'s coordinates are not rings of longitude, latitude pairs ({err})", "geometry") from None
    return collection


def _outline(geometry: dict) -> shapely.Polygon | shapely.MultiPolygon:
    """A GeoJSON Polygon or MultiPolygon as a shapely geometry, each ring converted by numpy
    (``shapely.geometry.shape`` converts coordinate by coordinate in Python: five times as long
    on the full-detail boundaries; the geometries are identical, byte for byte in WKB)."""

    def polygon(rings: list) -> shapely.Polygon:
        return shapely.Polygon(np.asarray(rings[0], dtype="float64"), [np.asarray(ring, dtype="float64") for ring in rings[1:]])

    if geometry["type"] == "Polygon":
        return polygon(geometry["coordinates"])
    return shapely.MultiPolygon([polygon(rings) for rings in geometry["coordinates"]])


def simplify_boundaries(collection: dict, tolerance_degrees: float = 0.0003) -> dict:
    """A lighter copy for the web (about 30 m tolerance), coordinates rounded to 5 decimals.

    Keeps only the NAME and GSS_CODE properties, sorted by GSS code, so the output is stable.
    """
    features = []
    for feature in sorted(collection["features"], key=lambda f: f["properties"]["GSS_CODE"]):
        geometry = _outline(feature["geometry"])
        light = shapely.set_precision(geometry.simplify(tolerance_degrees, preserve_topology=True), 1e-5)
        features.append(
            {
                "type": "Feature",
                "properties": {key: feature["properties"][key] for key in ("GSS_CODE", "NAME")},
                "geometry": shapely.geometry.mapping(light),
            }
        )
    return {"type": "FeatureCollection", "features": features}


def bcu_outlines(boundaries: dict, boroughs: pd.DataFrame) -> dict:
    """The 12 BCUs as GeoJSON features (union of their boroughs), property BCU, sorted by name."""
    shapes = {f["properties"]["GSS_CODE"]: _outline(f["geometry"]) for f in boundaries["features"]}
    features = []
    for bcu, members in boroughs.groupby("bcu", sort=True):
        union = shapely.set_precision(shapely.union_all([shapes[code] for code in members["borough_code"]]), 1e-5)
        features.append({"type": "Feature", "properties": {"BCU": bcu}, "geometry": shapely.geometry.mapping(union)})
    return {"type": "FeatureCollection", "features": features}


class PointLocator:
    """Vectorised point-in-borough lookup on WGS84 longitude/latitude."""

    def __init__(self, collection: dict):
        self._codes = np.array([f["properties"]["GSS_CODE"] for f in collection["features"]], dtype=object)
        self._shapes = [_outline(f["geometry"]) for f in collection["features"]]

    def in_city_of_london(self, longitude: np.ndarray, latitude: np.ndarray) -> np.ndarray:
        """True for each point inside the City of London (never for points without coordinates)."""
        city = self._shapes[list(self._codes).index(CITY_OF_LONDON_CODE)]
        located = ~(np.isnan(longitude) | np.isnan(latitude))
        inside = np.zeros(len(longitude), dtype=bool)
        inside[located] = shapely.contains_xy(city, longitude[located], latitude[located])
        return inside

    def codes(self, longitude: np.ndarray, latitude: np.ndarray) -> pd.Categorical:
        """GSS code of the borough holding each point; NOT_ASSIGNED_CODE for points with no
        coordinates, outside London, or in the City of London (not Met area).

        Each distinct point is looked up once: data.police.uk snaps every location to an
        anonymised map point, so a month's searches share far fewer points than rows.
        """
        categories = [code for code in self._codes if code != CITY_OF_LONDON_CODE] + [NOT_ASSIGNED_CODE]
        unassigned = len(categories) - 1
        # polygon index -> category position (the City of London counts as not assigned)
        position_of_polygon = np.array([categories.index(c) if c != CITY_OF_LONDON_CODE else unassigned for c in self._codes] + [unassigned])
        located = ~(np.isnan(longitude) | np.isnan(latitude))
        inverse, distinct = pd.factorize(longitude[located] + 1j * latitude[located])
        polygon = np.full(len(distinct), len(self._codes))  # "no polygon" sentinel
        # The 33 polygons are queried against a tree of the points (not the points against a
        # tree of polygons): GEOS prepares the query geometry, and a prepared polygon answers
        # thousands of points far faster than thousands of prepared points one polygon each.
        points = shapely.STRtree(shapely.points(np.real(distinct), np.imag(distinct)))
        polygon_index, point_index = points.query(self._shapes, predicate="intersects")
        # The outlines, simplified one by one, overlap by metres along some borders (21 of the
        # 28,000 distinct points in 2023-24 fall in two): such a point goes to the lower GSS code.
        np.minimum.at(polygon, point_index, polygon_index)
        positions = np.full(len(longitude), unassigned, dtype=np.int8)
        positions[located] = position_of_polygon[polygon][inverse]
        return pd.Categorical.from_codes(positions, categories)
