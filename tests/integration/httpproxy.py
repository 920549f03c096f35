"""A real HTTP server in a thread in front of an OpenAI-compatible server, for tests that need
failures or a view of the traffic: it records each POST's headers, counts requests in flight,
and lets a test answer some requests itself (`intercept(number, body) -> (status, payload)`)
instead of forwarding them."""

from __future__ import annotations

import contextlib
import http.server
import threading
import urllib.error
import urllib.request
from collections.abc import Callable

Intercept = Callable[[int, bytes], tuple[int, bytes] | None]


class Proxy:
    """Forward POSTs to the server at `upstream` (its root or its `/v1` URL), except those
    `intercept` answers. `url` is the proxy's root: clients use `url + "/v1"`."""

    def __init__(self, upstream: str, intercept: Intercept | None = None) -> None:
        self.upstream = upstream.rstrip("/").removesuffix("/v1")
        self.posts: list[dict[str, str]] = []
        self.in_flight = 0
        self.lock = threading.Lock()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with proxy.lock:
                    proxy.posts.append(dict(self.headers))
                    number = len(proxy.posts)
                answer = intercept(number, body) if intercept else None
                if answer is not None:
                    self._reply(*answer)
                    return
                with proxy.lock:
                    proxy.in_flight += 1
                try:
                    request = urllib.request.Request(
                        proxy.upstream + self.path,
                        data=body,
                        headers={"Content-Type": "application/json"},
                    )
                    try:
                        with urllib.request.urlopen(request, timeout=60) as response:
                            status, payload = response.status, response.read()
                    except urllib.error.HTTPError as exc:
                        status, payload = exc.code, exc.read()
                    with contextlib.suppress(OSError):  # the client may have been killed
                        self._reply(status, payload)
                finally:
                    with proxy.lock:
                        proxy.in_flight -= 1

            def _reply(self, status: int, payload: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> Proxy:
        threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
