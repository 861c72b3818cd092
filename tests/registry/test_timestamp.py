"""An RFC 3161 time-stamp of an anchor through a TSA: a local stub stands in for the
bureau's authority (no network)."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from outsourcing.errors import RegistryError
from outsourcing.registry import Store
from outsourcing.registry.timestamp import _der, _read, timestamp

SEEN: list[bytes] = []


class StubTSA(BaseHTTPRequestHandler):
    """Answers a TimeStampReq with status granted and a token naming its digest; status 2
    (rejection) when the path is /refuse."""

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        assert self.headers["Content-Type"] == "application/timestamp-query"
        _, req, _ = _read(body, 0)
        _, _, version_end = _read(body, req)
        _, imprint, _ = _read(body, version_end)
        _, _, alg_end = _read(body, imprint)
        _, dig, dig_end = _read(body, alg_end)
        digest = body[dig:dig_end]
        SEEN.append(digest)
        status = 2 if self.path == "/refuse" else 0
        token = _der(0x30, _der(0x06, bytes.fromhex("2a864886f70d010702")) + _der(0x04, digest))
        reply = _der(0x30, _der(0x30, _der(0x02, bytes([status]))) + token)
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture()
def tsa() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), StubTSA)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_an_anchor_is_time_stamped_by_the_bureaus_tsa(tsa: str, tmp_path: Path) -> None:
    r = Store.open(tmp_path / "r.db")
    r.add_actor("wang", "王审批", ["approver"])
    path = r.anchor().write(tmp_path / "anchor.json")
    reply = timestamp(path, tsa + "/tsa")
    assert reply == tmp_path / "anchor.json.tsr"
    assert SEEN[-1] == hashlib.sha256(path.read_bytes()).digest()
    assert SEEN[-1] in reply.read_bytes()


def test_a_refused_time_stamp_is_a_clear_error(tsa: str, tmp_path: Path) -> None:
    path = tmp_path / "anchor.json"
    path.write_text("{}", encoding="utf-8")
    with pytest.raises(RegistryError) as e:
        timestamp(path, tsa + "/refuse")
    assert e.value.code == "registry.timestamp.refused" and "拒绝" in e.value.message_zh
    assert not (tmp_path / "anchor.json.tsr").exists()
