"""Borough and BCU boundaries served as files, for the maps to load once.

A map that embedded its boundaries would send them (~170 kB) over the websocket each time it
changes. Instead the map names them by address: Plotly loads GeoJSON from a URL once per page,
and the browser keeps it for as long as the snapshot version in the address stays the same.
app.py mounts :data:`ROUTE` on its ``st.App``; outside that server (AppTest) nothing is fetched.

The maps are Plotly ``geo`` subplots, which fit London to the chart's size in the browser (a
MapLibre map takes a fixed centre and zoom from the server, which cut off outer boroughs on a
phone and Enfield and Croydon on a desktop). A geo map always loads a base-map topology (land,
coasts, countries) too, from cdn.plot.ly unless its ``topojsonURL`` says otherwise. The maps draw
no base layer and must work offline, so this route also serves :data:`BASE_MAP`, a topology with
no shapes, under the name Plotly asks for.
"""

from __future__ import annotations

from functools import lru_cache

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route

#: The snapshot's GeoJSON files a map may load, by the name the map code uses.
FILES = {"boroughs": "boroughs.geojson", "bcus": "bcus.geojson"}
#: The property that names a feature in each file.
FEATURE_ID = {"boroughs": "GSS_CODE", "bcus": "BCU"}
#: The base-map file Plotly asks for (world scope, 1:110m resolution), served with no shapes in it.
BASE_MAP = "world_110m.json"
EMPTY_TOPOLOGY = '{"type": "Topology", "objects": {}, "arcs": []}'
#: Every file here is named by the snapshot version in its address, so it can be kept for a year.
CACHEABLE = {"Cache-Control": "public, max-age=31536000, immutable"}


def base_map_folder(version: str) -> str:
    """The folder of snapshot ``version``'s files; a map's ``topojsonURL`` (Plotly appends :data:`BASE_MAP`)."""
    return f"/boundaries/{version}/"


def url(name: str, version: str) -> str:
    """The address of one boundary file of snapshot ``version`` ('boroughs' or 'bcus')."""
    return base_map_folder(version) + FILES[name]


def features(name: str, version: str, ids: tuple[str, ...]) -> dict:
    """The features of one boundary file ('boroughs' or 'bcus') named in ``ids``, as a GeoJSON
    FeatureCollection to embed in a map layer that draws a few of them (the City of London, the
    selected area: a few kB). Each file's address is then named by one layer only: Plotly draws a
    second layer naming an address still on its way only if the file arrives within 5 s, and
    otherwise throws "Unexpected error while fetching" (seen with twenty sessions opening at once)."""
    return {"type": "FeatureCollection", "features": [f for f in _collection(name, version)["features"] if f["properties"][FEATURE_ID[name]] in ids]}


@lru_cache(maxsize=4)
def extent(name: str, version: str) -> tuple[float, float, float, float]:
    """West, east, south and north edges of every shape in one boundary file, in degrees. Walked
    by hand: shapely is for the build only, and importing it would add to the server's memory."""
    longitudes, latitudes = [], []
    rings = [feature["geometry"]["coordinates"] for feature in _collection(name, version)["features"]]
    while rings:  # Polygon and MultiPolygon nest lists of [lon, lat] pairs to different depths
        part = rings.pop()
        if isinstance(part[0], (int, float)):
            longitudes.append(part[0])
            latitudes.append(part[1])
        else:
            rings.extend(part)
    return min(longitudes), max(longitudes), min(latitudes), max(latitudes)


@lru_cache(maxsize=4)
def _collection(name: str, version: str) -> dict:
    """One boundary file of the snapshot, read once per snapshot ``version`` (a new snapshot is read afresh)."""
    from loaders.snapshot_files import read_geojson  # imported when a map is drawn: the server imports this module at start
    from ui.cached import snapshot_dir

    return read_geojson(f"{name}_geojson", snapshot_dir())


async def _serve(request: Request) -> Response:
    """The file, cacheable for a year (its address changes with the snapshot), or the empty base
    map; 404 for any other file or for a version that is not the snapshot's now."""
    from ui.cached import snapshot_dir, snapshot_version  # the server has imported these by the time a map asks

    version, name = request.path_params["version"], request.path_params["file"]
    if name not in (*FILES.values(), BASE_MAP) or version != snapshot_version():
        return PlainTextResponse("No such boundary file in this snapshot.", status_code=404)
    if name == BASE_MAP:
        return Response(EMPTY_TOPOLOGY, media_type="application/json", headers=CACHEABLE)
    return FileResponse(snapshot_dir() / name, media_type="application/geo+json", headers=CACHEABLE)


ROUTE = Route("/boundaries/{version}/{file}", _serve, methods=["GET", "HEAD"])
