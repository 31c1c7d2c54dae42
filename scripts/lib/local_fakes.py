"""The outside world's side of the local demo: GitHub (the tarball API of example-org/fleet and its signed
webhook deliveries) and the Amazon Linux security center's site (the AL2023 feed and advisory pages).

The local deployment's repository.apiUrl and advisories.siteUrl point at these servers
(scripts/lib/local_config.py gives it GITHUB_API_PORT and ALAS_PORT).
"""

import hashlib
import hmac
import http.client
import io
import json
import re
import secrets
import tarfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

GITHUB_API_PORT = 9797
ALAS_PORT = 9798


class LocalAlas:
    """The Amazon Linux security center's AL2023 feed and advisory pages, as the demo publishes them."""

    def __init__(self, page_template: str):
        with open(page_template) as f:
            self.template = f.read()
        self.items = []
        self.pages = {}
        alas = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path == "/AL2023/alas.rss":
                    body = alas.feed().encode()
                    etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                    if self.headers.get("If-None-Match") == etag:
                        self.send_response(304)
                        self.send_header("ETag", etag)
                        self.end_headers()
                        return
                    self.send_response(200)
                    self.send_header("ETag", etag)
                elif self.path in alas.pages:
                    body = alas.pages[self.path].encode()
                    self.send_response(200)
                else:
                    body = b"<html><body><h1>Not Found</h1></body></html>"
                    self.send_response(404)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", ALAS_PORT), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def publish(self, advisory: str, package: str, published: str):
        feed_id = advisory.replace("ALAS2023-", "ALAS-")
        self.items.insert(0, (feed_id, package, published))
        self.pages[f"/AL2023/{feed_id}.html"] = (self.template.replace("ALAS2023-2023-126", advisory)
            .replace("device-mapper-multipath --releasever=2023.0.20230308", f"{package} --releasever=2023.9.20251105")
            .replace("<p>device-mapper-multipath</p>", f"<p>{package}</p>"))

    def feed(self) -> str:
        items = "".join(
            f"<item><title>{feed_id} (important): {package}</title><description>CVE-2025-59375</description>"
            f"<pubDate>{published}</pubDate><guid>https://alas.aws.amazon.com/AL2023/{feed_id}.html</guid>"
            f"<link>https://alas.aws.amazon.com/AL2023/{feed_id}.html</link></item>"
            for feed_id, package, published in self.items)
        return ('<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0"><channel>'
                f"<title>Amazon Linux 2023 Security Bulletins</title>{items}</channel></rss>")

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class LocalGitHub:
    """The tarball endpoint of GitHub's API for example-org/fleet, for the commits the demo makes."""

    def __init__(self, fleet: str):
        self.fleet = fleet
        self.commits = set()
        self.counts = {}
        github = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                api = re.fullmatch(r"/repos/example-org/fleet/tarball/([0-9a-f]{40})", self.path)
                archive = re.fullmatch(r"/codeload/example-org/fleet/legacy.tar.gz/([0-9a-f]{40})", self.path)
                if api and api.group(1) in github.commits:
                    github.counts[api.group(1)] = github.counts.get(api.group(1), 0) + 1
                    self.send_response(302)
                    self.send_header("Location", f"/codeload/example-org/fleet/legacy.tar.gz/{api.group(1)}")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif archive and archive.group(1) in github.commits:
                    data = bundle(github.fleet, archive.group(1))
                    self.send_response(200)
                    self.send_header("Content-Type", "application/x-gzip")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                else:
                    self.send_error(404)

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", GITHUB_API_PORT), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()

    def commit(self) -> str:
        sha = secrets.token_hex(20)
        self.commits.add(sha)
        return sha

    def requests(self, sha: str) -> int:
        return self.counts.get(sha, 0)


def bundle(folder: str, sha: str) -> bytes:
    """The repository as GitHub's tarball API gives it: one top-level folder."""
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w:gz") as tar:
        tar.add(folder, arcname=f"example-org-fleet-{sha[:7]}")
    return data.getvalue()


def push_payload(root: str, sha: str, paths: list) -> bytes:
    """GitHub's published push sample (events/github/push.json), made a push of sha to example-org/fleet."""
    with open(f"{root}/events/github/push.json") as sample:
        push = json.load(sample)
    push.update(ref="refs/heads/main", before=secrets.token_hex(20), after=sha)
    push["repository"].update(name="fleet", full_name="example-org/fleet", pushed_at=int(time.time()))
    commit = push["commits"][0]
    commit.update(id=sha, added=[], removed=[], modified=paths)
    push["head_commit"] = dict(commit)
    return json.dumps(push).encode()


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def deliver(url: str, event: str, delivery: str, body: bytes, signature: str):
    """POSTs as GitHub does. The local cloud routes Function URLs by the Host header."""
    host = re.sub(r"^https?://", "", url).split("/")[0].rsplit(":", 1)[0]
    connection = http.client.HTTPConnection("127.0.0.1", 4566, timeout=60)
    connection.request("POST", "/", body=body, headers={
        "Host": host, "Content-Type": "application/json", "User-Agent": "GitHub-Hookshot/kiln-demo",
        "X-GitHub-Event": event, "X-GitHub-Delivery": delivery, "X-Hub-Signature-256": signature})
    response = connection.getresponse()
    return response.status, response.read().decode()
