"""A real HTTP server on 127.0.0.1 that answers as the live sources do (for the refresh tests).

``routes`` maps a path with its query ('/api/action/package_show?id=e5n6w') to a list of
:class:`Reply`; each request takes the next reply, and the last one repeats. Every request
is recorded with its time, so tests can check pacing and retries.
"""

from __future__ import annotations

import gzip
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/csv"
    headers: dict[str, str] = field(default_factory=dict)
    gzip: bool = False  # send Content-Encoding: gzip, Content-Length of the compressed body
    declared_length: int | None = None  # announce more bytes than are sent, then close (a truncated download)
    delay: float = 0.0  # seconds before answering
    ranges: bool = False  # answer Range requests with 206 and Content-Range (as a large file server does)


def json_reply(payload: object) -> Reply:
    return Reply(json.dumps(payload).encode(), content_type="application/json")


class LiveServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes: dict[str, list[Reply]] = {}
        self.requests: list[tuple[float, str]] = []
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def next_reply(self, logged: str, path: str) -> Reply:
        """The reply for path; ``logged`` (the path, with any Range) is recorded with the time."""
        with self._lock:
            self.requests.append((time.monotonic(), logged))
            replies = self.routes.get(path)
            if not replies:
                return Reply(b"<html>not found</html>", status=404, content_type="text/html")
            return replies.pop(0) if len(replies) > 1 else replies[0]


class _Handler(BaseHTTPRequestHandler):
    server: LiveServer
    protocol_version = "HTTP/1.1"

    def do_HEAD(self) -> None:
        self.do_GET(head=True)

    def do_GET(self, head: bool = False) -> None:
        reply = self.server.next_reply(self.path + (f" [{self.headers['Range']}]" if self.headers.get("Range") else ""), self.path)
        if reply.delay:
            time.sleep(reply.delay)
        body = gzip.compress(reply.body) if reply.gzip else reply.body
        wanted = self.headers.get("Range", "")
        if reply.ranges and wanted.startswith("bytes="):
            first, _, last = wanted[6:].partition("-")
            start = max(0, len(body) - int(last)) if not first else int(first)
            end = len(body) - 1 if not first or not last else min(int(last), len(body) - 1)
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{end}/{len(body)}")
            self.send_header("Content-Length", str(end - start + 1))
            self.send_header("Accept-Ranges", "bytes")
            self.end_headers()
            if not head:
                self.wfile.write(body[start : end + 1])
            return
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(reply.declared_length if reply.declared_length is not None else len(body)))
        if reply.gzip:
            self.send_header("Content-Encoding", "gzip")
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if reply.declared_length is not None:
            self.send_header("Connection", "close")
        self.end_headers()
        if not head:
            self.wfile.write(body)
        if reply.declared_length is not None:
            self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass


def start() -> LiveServer:
    server = LiveServer()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
