"""Fixtures for the fault tests: a loopback HTTP server with misbehaviours, archives, child processes."""

from __future__ import annotations

import http.server
import io
import os
import subprocess
import sys
import tarfile
import threading
import time
import typing
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]


class FaultyHandler(http.server.BaseHTTPRequestHandler):
    """Serves ``payload``; ``mode`` picks a misbehaviour. Honours ``Range`` unless told not to."""

    payload = b""
    mode = "normal"  # normal | slow | cut | no-length-cut | no-length-lines | chunked-cut | error-500 | ignore-range
    requests: typing.ClassVar[list[str | None]] = []

    def do_GET(self):
        requested = self.headers.get("Range")
        type(self).requests.append(requested)
        mode = type(self).mode
        if mode == "error-500":
            self.send_error(500, "Internal Server Error")
            return
        start = int(requested.split("=")[1].rstrip("-")) if requested and mode != "ignore-range" else 0
        body = self.payload[start:]
        self.send_response(206 if start else 200)
        if mode == "chunked-cut":
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            half = body[: len(body) // 2]
            self.wfile.write(f"{len(half):x}\r\n".encode() + half + b"\r\n")
            return  # no terminating chunk: the client sees an incomplete read
        if not mode.startswith("no-length"):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if mode in ("cut", "no-length-cut"):
            self.wfile.write(body[: len(body) // 3])
            return
        if mode == "no-length-lines":  # cut at a line boundary: every line that arrives is whole
            self.wfile.write(body[: body.rindex(b"\n", 0, len(body) // 3) + 1])
            return
        if mode == "slow":
            for offset in range(0, len(body), 16384):
                self.wfile.write(body[offset : offset + 16384])
                time.sleep(0.02)
            return
        self.wfile.write(body)

    def log_message(self, *arguments):
        pass


@pytest.fixture
def server():
    """Start a loopback server; yields (handler class, base URL). Stopped after the test."""
    FaultyHandler.payload, FaultyHandler.mode, FaultyHandler.requests = b"", "normal", []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FaultyHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield FaultyHandler, f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()


def ucsd_archive(path: Path, videos: int = 2, frames: int = 40, size=(120, 160), seed: int = 0) -> bytes:
    """A valid archive in the UCSD layout (random noise frames, hard to compress); returns its bytes."""
    from PIL import Image

    rng = np.random.default_rng(seed)
    top = "UCSD_Anomaly_Dataset.v1p2/UCSDped1"
    with tarfile.open(path, "w:gz") as tar:
        for split in ("Train", "Test"):
            for video in range(1, videos + 1):
                for number in range(1, frames + 1):
                    buffer = io.BytesIO()
                    Image.fromarray(rng.integers(0, 256, size, dtype=np.uint8)).save(buffer, format="TIFF")
                    member = tarfile.TarInfo(f"{top}/{split}/{split}{video:03d}/{number:03d}.tif")
                    member.size = buffer.tell()
                    buffer.seek(0)
                    tar.addfile(member, buffer)
    return path.read_bytes()


def start_download(root: Path, url: str) -> subprocess.Popen:
    """Run ``download_ucsd(root, url)`` in a child process (so it can be killed) with this checkout's labutils."""
    code = "import sys; from labutils import data; data.download_ucsd(sys.argv[1], url=sys.argv[2])"
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-c", code, str(root), url], cwd=ROOT, env=environment,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def wait_for(condition, timeout: float = 60.0, what: str = "a condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.005)
