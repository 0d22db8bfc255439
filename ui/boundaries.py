"""Borough and BCU boundaries served as files, for the maps to load once.

A map that embedded its boundaries would send them (~170 kB) over the websocket each time it
changes. Instead the map names them by address: Plotly loads GeoJSON from a URL once per page,
and the browser keeps it for as long as the snapshot version in the address stays the same.
app.py mounts :data:`ROUTE` on its ``st.App``; outside that server (AppTest) nothing is fetched.
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


def url(name: str, version: str) -> str:
    """The address of one boundary file of snapshot ``version`` ('boroughs' or 'bcus')."""
    return f"/boundaries/{version}/{FILES[name]}"


def features(name: str, version: str, ids: tuple[str, ...]) -> dict:
    """The features of one boundary file ('boroughs' or 'bcus') named in ``ids``, as a GeoJSON
    FeatureCollection to embed in a map layer that draws a few of them (the City of London, the
    selected area: a few kB). Each file's address is then named by one layer only: Plotly draws a
    second layer naming an address still on its way only if the file arrives within 5 s, and
    otherwise throws "Unexpected error while fetching" (seen with twenty sessions opening at once)."""
    return {"type": "FeatureCollection", "features": [f for f in _collection(name, version)["features"] if f["properties"][FEATURE_ID[name]] in ids]}


@lru_cache(maxsize=4)
def _collection(name: str, version: str) -> dict:
    """One boundary file of the snapshot, read once per snapshot ``version`` (a new snapshot is read afresh)."""
    from loaders.snapshot_files import read_geojson  # imported when a map is drawn: the server imports this module at start
    from ui.cached import snapshot_dir

    return read_geojson(f"{name}_geojson", snapshot_dir())


async def _serve(request: Request) -> Response:
    """The file, cacheable for a year (its address changes with the snapshot); 404 for any other
    file or for a version that is not the snapshot's now."""
    from ui.cached import snapshot_dir, snapshot_version  # the server has imported these by the time a map asks

    version, name = request.path_params["version"], request.path_params["file"]
    if name not in FILES.values() or version != snapshot_version():
        return PlainTextResponse("No such boundary file in this snapshot.", status_code=404)
    return FileResponse(snapshot_dir() / name, media_type="application/geo+json", headers={"Cache-Control": "public, max-age=31536000, immutable"})


ROUTE = Route("/boundaries/{version}/{file}", _serve, methods=["GET", "HEAD"])
