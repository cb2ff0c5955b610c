"""A minimal in-process Confluent Schema Registry (the REST subset wirewash uses), for tests."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FakeRegistry:
    """POST /subjects/<s>/versions and GET /subjects/<s>/versions/latest, ids shared by identical schemas."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}  # schema text -> id
        self.subjects: dict[str, list[int]] = {}
        self.requests: list[tuple[str, str]] = []
        registry = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, code: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/vnd.schemaregistry.v1+json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                registry.requests.append(("POST", self.path))
                parts = self.path.strip("/").split("/")
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if len(parts) != 3 or parts[0] != "subjects" or parts[2] != "versions":
                    return self._send(404, {"error_code": 404, "message": "not found"})
                if body.get("schemaType") != "JSON":
                    return self._send(422, {"error_code": 42201, "message": "schemaType must be JSON"})
                json.loads(body["schema"])  # must be a JSON document
                sid = registry.ids.setdefault(body["schema"], len(registry.ids) + 1)
                versions = registry.subjects.setdefault(parts[1], [])
                if sid not in versions:
                    versions.append(sid)
                return self._send(200, {"id": sid})

            def do_GET(self) -> None:
                registry.requests.append(("GET", self.path))
                parts = self.path.strip("/").split("/")
                if (
                    len(parts) == 4
                    and parts[0] == "subjects"
                    and parts[3] == "latest"
                    and parts[1] in registry.subjects
                ):
                    versions = registry.subjects[parts[1]]
                    return self._send(200, {"subject": parts[1], "version": len(versions), "id": versions[-1]})
                return self._send(404, {"error_code": 40401, "message": "Subject not found"})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeRegistry:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
