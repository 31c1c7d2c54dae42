"""A Lambda Runtime API (2018-06-01) for one runtime process.

AWS's runtime interface client polls ``invocation/next`` and posts the result back. Its native HTTP
client needs HTTP/1.1 with a ``Content-Length`` on every response, and it exits when ``next`` answers
with an error, so ``next`` is held open until there is an event.
"""

import json
import logging
import queue
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOG = logging.getLogger(__name__)

PREFIX = "/2018-06-01/runtime"


@dataclass
class Invocation:
    request_id: str
    payload: bytes
    function_arn: str
    trace_id: str
    deadline_ms: int
    done: threading.Event = field(default_factory=threading.Event)
    result: bytes = b""
    is_error: bool = False


class RuntimeApi:
    """Serves the Runtime API on 127.0.0.1 for a single runtime process."""

    def __init__(self):
        self.ready = threading.Event()
        self.init_failed = threading.Event()
        self.init_error = b""
        self._pending = queue.Queue()
        self._in_flight: dict[str, Invocation] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="kiln-runtime-api", daemon=True
        )
        self._thread.start()

    @property
    def address(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{host}:{port}"

    def submit(self, invocation: Invocation) -> None:
        with self._lock:
            self._in_flight[invocation.request_id] = invocation
        self._pending.put(invocation)

    def abandon(self, request_id: str) -> None:
        with self._lock:
            self._in_flight.pop(request_id, None)

    def close(self) -> None:
        self._pending.put(None)  # releases a waiting `next`
        self._server.shutdown()
        self._server.server_close()

    # called by the request handler
    def next_invocation(self) -> Invocation | None:
        self.ready.set()
        return self._pending.get()

    def complete(self, request_id: str, body: bytes, is_error: bool) -> bool:
        with self._lock:
            invocation = self._in_flight.pop(request_id, None)
        if invocation is None:
            return False
        invocation.result = body
        invocation.is_error = is_error
        invocation.done.set()
        return True

    def fail_init(self, body: bytes) -> None:
        self.init_error = body
        self.init_failed.set()


def _handler_for(api: RuntimeApi):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):
            LOG.debug("runtime api: " + fmt, *args)

        def do_GET(self):
            if self.path != f"{PREFIX}/invocation/next":
                return self._reply(404, {"errorMessage": f"unknown path {self.path}"})
            invocation = api.next_invocation()
            if invocation is None:
                # shutting down: the runtime client exits on an error answer, which is what we want
                return self._reply(500, {"errorMessage": "execution environment is shutting down"})
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Lambda-Runtime-Aws-Request-Id", invocation.request_id)
            self.send_header("Lambda-Runtime-Deadline-Ms", str(invocation.deadline_ms))
            self.send_header("Lambda-Runtime-Invoked-Function-Arn", invocation.function_arn)
            self.send_header("Lambda-Runtime-Trace-Id", invocation.trace_id)
            self.send_header("Content-Length", str(len(invocation.payload)))
            self.end_headers()
            self.wfile.write(invocation.payload)

        def do_POST(self):
            body = self._read_body()
            parts = self.path[len(PREFIX) :].strip("/").split("/") if self.path.startswith(PREFIX) else []
            if parts == ["init", "error"]:
                api.fail_init(body or _error_body(self.headers))
                return self._reply(202, {"status": "OK"})
            if len(parts) == 3 and parts[0] == "invocation" and parts[2] in ("response", "error"):
                is_error = parts[2] == "error"
                if is_error and not body:
                    body = _error_body(self.headers)
                if api.complete(parts[1], body, is_error):
                    return self._reply(202, {"status": "OK"})
                return self._reply(400, {"errorMessage": f"unknown or finished request id {parts[1]}"})
            return self._reply(404, {"errorMessage": f"unknown path {self.path}"})

        def _read_body(self) -> bytes:
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                chunks = []
                while True:
                    size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                    if size == 0:
                        self.rfile.readline()
                        return b"".join(chunks)
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def _reply(self, status: int, document: dict) -> None:
            data = json.dumps(document).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


def _error_body(headers) -> bytes:
    error_type = headers.get("Lambda-Runtime-Function-Error-Type") or "Runtime.Unknown"
    return json.dumps({"errorType": error_type, "errorMessage": error_type}).encode()
