"""A stand-in for requests.Session: routes URLs to canned responses, never touches the network."""

from __future__ import annotations

import json

import requests


class FakeResponse:
    def __init__(
        self, body: bytes = b"", status: int = 200, content_type: str = "text/csv", declared_length: int | None = None, fail_after: int | None = None
    ):
        self.status_code = status
        self.body = body
        self.fail_after = fail_after
        length = len(body) if declared_length is None else declared_length
        self.headers = {"Content-Type": content_type, "Content-Length": str(length)}

    def iter_content(self, chunk_size: int = 1024):
        for start in range(0, len(self.body), 4096):
            if self.fail_after is not None and start >= self.fail_after:
                raise requests.exceptions.ChunkedEncodingError("connection broken")
            yield self.body[start : start + 4096]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class FakeSession:
    """``routes`` maps a URL (or a URL prefix ending in '*') to a FakeResponse or an exception."""

    def __init__(self, routes: dict):
        self.routes = routes
        self.requested: list[str] = []

    def get(self, url: str, timeout: float, stream: bool = False):
        self.requested.append(url)
        answer = self.routes.get(url)
        if answer is None:
            answer = next((v for k, v in self.routes.items() if k.endswith("*") and url.startswith(k[:-1])), None)
        if answer is None:
            raise requests.ConnectionError(f"no route to {url} in the fake network")
        if isinstance(answer, BaseException):
            raise answer
        return answer


def json_response(payload) -> FakeResponse:
    return FakeResponse(json.dumps(payload).encode(), content_type="application/json")


def ckan_listing(resources: list[tuple[str, str]]) -> FakeResponse:
    return json_response({"success": True, "result": {"resources": [{"name": n, "url": u, "format": "CSV"} for n, u in resources]}})
