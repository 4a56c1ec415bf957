"""A fake FHIR server (and JWKS host) on a loopback port, for the CDS Hooks tests."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class FakeFhirServer:
    base_url: str
    #: path (with query) prefix -> (status, JSON body)
    routes: dict[str, tuple[int, Any]] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def answer(self, path_prefix: str, body: Any, status: int = 200) -> None:
        self.routes[path_prefix] = (status, body)


@contextmanager
def fake_fhir_server() -> Iterator[FakeFhirServer]:
    server_state: dict[str, FakeFhirServer] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state = server_state["fake"]
            state.requests.append((self.path, dict(self.headers)))
            for prefix, (status, body) in state.routes.items():
                if self.path.startswith(prefix):
                    payload = json.dumps(body).encode()
                    self.send_response(status)
                    self.send_header("Content-Type", "application/fhir+json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet."""

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server_state["fake"] = FakeFhirServer(f"http://127.0.0.1:{httpd.server_address[1]}/fhir")
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server_state["fake"]
    finally:
        httpd.shutdown()
        httpd.server_close()
