"""A minimal OpenAI-compatible chat server on 127.0.0.1 for testing the HTTP backend for real.

It measures how many requests are in flight at once, and can misbehave on purpose (garbage, slowness, 500s).
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class ChatServer:
    def __init__(self, mode: str = "ok", delay_s: float = 0.3) -> None:
        self.mode = mode
        self.delay_s = delay_s
        self.in_flight = 0
        self.max_in_flight = 0
        self.requests: list[dict] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with server._lock:
                    server.requests.append({"body": body, "auth": self.headers.get("Authorization")})
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                try:
                    time.sleep(server.delay_s)
                    status, payload = server.answer(body, len(server.requests))
                    data = payload.encode() if isinstance(payload, str) else json.dumps(payload).encode()
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                finally:
                    with server._lock:
                        server.in_flight -= 1

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def answer(self, body: dict, n: int) -> tuple[int, dict | str]:
        if self.mode == "garbage":
            return 200, "<html><body>502 Bad Gateway, try later</body></html>"
        if self.mode == "error500":
            return 500, {"error": "overloaded"}
        if body.get("response_format"):
            content = json.dumps({"qas": [{"question": f"What does request {n} ask about the passage?",
                                           "answer": f"It asks about detail number {n} of the passage."}]})
        else:
            content = f"Rewrite {n}: the passage restated faithfully in other words, keeping all of its facts intact."
        return 200, {"choices": [{"message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
                     "usage": {"prompt_tokens": 50, "completion_tokens": 20}}

    def __enter__(self) -> ChatServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
