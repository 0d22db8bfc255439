"""The benchmark's report: ratios paired by round and the count of rounds meeting a target, on
constructed measurements (the medians checked against numpy); and its byte meter on the wire,
against a server on 127.0.0.1 that sends known bytes."""

from __future__ import annotations

import math
import socket
import socketserver
import threading

import numpy as np
import pytest

from benchmarks.__main__ import report, round_ratios, target_verdict
from benchmarks.live import WireMeter


def test_each_round_is_divided_by_the_floor_of_the_same_round():
    dashboard, floor = [3.0, 2.6, 4.4], [2.0, 2.0, 4.0]
    assert round_ratios(dashboard, floor) == pytest.approx(list(np.divide(dashboard, floor)))
    assert round_ratios([1.0], [0.0]) == [math.inf]  # a floor of nothing is never met
    with pytest.raises(ValueError, match="rounds must pair up"):
        round_ratios([1.0, 2.0], [1.0])


@pytest.mark.parametrize(
    ("ratios", "expected"),
    [
        ([1.1, 1.3, 1.2], "met in all 3 rounds"),  # 1.3 is at the target: met
        ([1.1, 1.31, 1.5, 1.2, 1.4], "met in 2 of 5 rounds"),
        ([1.31, 2.0], "missed in all 2 rounds"),
    ],
)
def test_the_verdict_counts_the_rounds_that_met_the_target(ratios, expected):
    assert target_verdict(ratios, 1.3) == expected


def test_a_report_line_gives_medians_the_ratio_of_medians_and_the_rounds(capsys):
    # The medians' ratio (3.0 / 2.0 = 1.5) and the rounds' (1.25, 1.5, 1.8: median 1.5) differ in general;
    # here the rounds fall on both sides of the 1.3 target.
    dashboard, floor = [2.5, 3.0, 3.6], [2.0, 2.0, 2.0]
    report("cold start", "s", dashboard, floor, 1.3)
    line = capsys.readouterr().out.strip()
    ratios = np.divide(dashboard, floor)
    assert line == (
        f"| cold start | {np.median(dashboard):.2f} (2.50-3.60) s | {np.median(floor):.2f} (2.00-2.00) s | "
        f"{np.median(dashboard) / np.median(floor):.2f}x | {np.median(ratios):.2f} ({ratios.min():.2f}-{ratios.max():.2f}) | 1.3x: met in 1 of 3 rounds |"
    )


def test_a_floor_without_a_target_is_shown_not_judged(capsys):
    report("server memory", "MB", [230.0, 228.0], [150.0, 152.0], None, digits=0)
    assert capsys.readouterr().out.strip().endswith("| 1.52 (1.50-1.53) | no target |")


def test_a_floor_of_nothing_is_reported_as_missed_not_as_an_error(capsys):
    report("websocket bytes", "kB", [2.0, 3.0], [0.0, 0.0], 1.3)
    assert capsys.readouterr().out.strip().endswith("| infx | inf (inf-inf) | 1.3x: missed in all 2 rounds |")


def test_the_wire_meter_counts_what_the_server_sends_on_each_kind_of_connection():
    """Each answer is relayed unchanged and counted once, by the kind of its connection's first request;
    what the browser sends is not counted."""
    answers = {b"/_stcore/stream": bytes(range(256)) * 40, b"/static/app.js": b"x" * 5_000}

    class Answer(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            path = self.request.recv(65536).split()[1]
            self.request.sendall(answers[path])

    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), Answer) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        with WireMeter(server.server_address[1]) as meter:

            def fetch(path: bytes) -> bytes:
                with socket.create_connection(("127.0.0.1", meter.port)) as browser:
                    browser.sendall(b"GET " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" + b"y" * 3_000)
                    received = b""
                    while chunk := browser.recv(65536):
                        received += chunk
                    return received

            assert fetch(b"/_stcore/stream") == answers[b"/_stcore/stream"]
            assert fetch(b"/static/app.js") == fetch(b"/static/app.js") == answers[b"/static/app.js"]
            assert meter.sent == {"websocket": 10_240, "http": 10_000}
        server.shutdown()
