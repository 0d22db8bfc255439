"""Addresses that are not pages of the dashboard land on the scorecard with a notice.

Streamlit serves its page for any path; a nested one such as ``/knife_homicides/extra``
leaves the browser with a blank page (its scripts are looked for under the wrong folder),
and an unknown one shows Streamlit's own "page not found" dialog. This ASGI middleware,
given to the ``st.App`` in app.py, redirects both to ``/?moved=unknown-page``; the sidebar
then says so (ui/filters.py). Streamlit's own paths (``_stcore``, ``static``, media, files
with an extension) pass untouched, including the deep-link probe ``/<page>/_stcore/health``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Awaitable, Callable, MutableMapping
from functools import cache
from pathlib import Path
from typing import Any

from starlette.responses import RedirectResponse

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MOVED = "/?moved=unknown-page"
STREAMLIT_PATHS = {"_stcore", "static", "media", "component", "app", "-"}

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Awaitable[None]]


@cache
def page_names() -> frozenset[str]:
    """The address of every page: the files in pages/ and one per claim in claims.toml (read without the indicator layer)."""
    claims = tomllib.loads((PROJECT_ROOT / "indicators" / "claims.toml").read_text(encoding="utf-8"))["claim"]
    return frozenset({p.stem for p in (PROJECT_ROOT / "pages").glob("*.py")} | {c["slug"].replace("-", "_") for c in claims})


def is_unknown_page(path: str) -> bool:
    parts = [part for part in path.split("/") if part]
    if not parts or parts[0] in STREAMLIT_PATHS or "_stcore" in parts or "." in parts[-1]:
        return False
    return len(parts) > 1 or parts[0] not in page_names()


class UnknownPathRedirect:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Callable[[], Awaitable[Any]], send: Callable[[Any], Awaitable[None]]) -> None:
        if scope["type"] == "http" and scope.get("method") in ("GET", "HEAD") and is_unknown_page(scope["path"]):
            await RedirectResponse(MOVED, status_code=302)(scope, receive, send)
            return
        await self.app(scope, receive, send)
