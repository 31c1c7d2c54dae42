"""The outside world's side of the local cloud: GitHub (the tarball API of example-org/fleet and its signed
webhook deliveries) and the Amazon Linux security center's site (the AL2023 feed and advisory pages).

One set for the demo, the integration tests and a person: the demo runs them in its own process (LocalGitHub,
LocalAlas); scripts/local-github keeps one serving examples/fleet (`local_fakes.py fleet`, main's head a commit
of the folder as it is) for `scripts/kiln --local bake`; a test runs one as a process of its own (`python3 scripts/lib/local_fakes.py github|alas`, which
stops when its standard input closes) and steers it through the same server's /_kiln/ paths:
  GitHub  POST /_kiln/commits {"sha", "folder"}: from now on the API has the commit (the folder as its tarball),
               and it is main's head (GET /repos/example-org/fleet/commits/main)
          GET  /_kiln/requests: the tarball requests, [{"sha", "authorization"}]
  ALAS    PUT  /_kiln/feed {"advisories": [...]} (newest first; each {"feedId", "id", "severity", "pkg", "cve",
               "pubDate", "releasever"}) or {"raw": "<any document>"}: from now on the feed and pages
          GET  /_kiln/requests: every request to the site, [{"path", "ifNoneMatch"}]

The local deployment's repository.apiUrl and advisories.siteUrl point at these servers
(scripts/lib/local_config.py gives it GITHUB_API_PORT and ALAS_PORT).
"""

import hashlib
import hmac
import http.client
import io
import json
import os
import re
import secrets
import sys
import tarfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

GITHUB_API_PORT = 9797
ALAS_PORT = 9798
CONTROL = "/_kiln/"


class _Site:
    """A local HTTP server on 127.0.0.1:<port>: `answer(handler)` for the site's own paths, `control(handler, method,
    body)` for /_kiln/ (a dict or list to send back as JSON, or None for 404)."""

    def __init__(self, port: int):
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self._route("GET")

            def do_POST(self):
                self._route("POST")

            def do_PUT(self):
                self._route("PUT")

            def _route(self, method):
                if not self.path.startswith(CONTROL):
                    site.answer(self)
                    return
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"null")
                answer = site.control(self, method, body)
                site.reply(self, 404 if answer is None else 200, json.dumps(answer).encode(), "application/json")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @staticmethod
    def reply(handler, status: int, body: bytes, content_type: str = None, headers: dict = None):
        handler.send_response(status)
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        if content_type:
            handler.send_header("Content-Type", content_type)
        if status != 304:
            handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        if status != 304:
            handler.wfile.write(body)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class LocalAlas(_Site):
    """The Amazon Linux security center's AL2023 feed (shaped as the published one, with ETag and If-None-Match as
    the real site answers them) and each advisory's page (the published ALAS-2023-126 page with the advisory's id,
    package and releasever)."""

    def __init__(self, page_template: str):
        with open(page_template) as f:
            self.template = f.read()
        self.advisories = []
        self.document = self._rss([])
        self.pages = {}
        self.requests = []
        super().__init__(ALAS_PORT)

    def publish(self, advisory: str, package: str, published: str, releasever: str = "2023.9.20251105"):
        """ALAS publishes `advisory` (ALAS2023-...), important, fixing `package`: newest first in the feed."""
        self.list([{"feedId": advisory.replace("ALAS2023-", "ALAS-"), "id": advisory, "severity": "important",
                    "pkg": package, "cve": "CVE-2025-59375", "pubDate": published, "releasever": releasever}]
                  + self.advisories)

    def list(self, advisories: list):
        """From now on the feed lists these advisories (newest first, as ALAS does) and serves their pages."""
        self.advisories = list(advisories)
        self.pages = {f"/AL2023/{a['feedId']}.html": self.template.replace("ALAS2023-2023-126", a["id"])
                      .replace("device-mapper-multipath --releasever=2023.0.20230308", f"{a['pkg']} --releasever={a['releasever']}")
                      .replace("<p>device-mapper-multipath</p>", f"<p>{a['pkg']}</p>") for a in advisories}
        self.document = self._rss(advisories)

    def answer(self, handler):
        self.requests.append({"path": handler.path, "ifNoneMatch": handler.headers.get("If-None-Match")})
        if handler.path == "/AL2023/alas.rss":
            body = self.document.encode()
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            status = 304 if handler.headers.get("If-None-Match") == etag else 200
            self.reply(handler, status, body, "application/rss+xml", {"ETag": etag})
        elif handler.path in self.pages:
            self.reply(handler, 200, self.pages[handler.path].encode(), "text/html")
        else:
            self.reply(handler, 404, b"<html><body><h1>Not Found</h1></body></html>", "text/html")

    def control(self, handler, method, body):
        if method == "PUT" and handler.path == CONTROL + "feed" and "raw" in body:
            self.document = body["raw"]
            return {}
        if method == "PUT" and handler.path == CONTROL + "feed":
            self.list(body["advisories"])
            return {}
        if method == "GET" and handler.path == CONTROL + "requests":
            return self.requests
        return None

    @staticmethod
    def _rss(advisories: list) -> str:
        items = "".join(
            f"\n    <item>\n        <title>{a['feedId']} ({a['severity']}): {a['pkg']}</title>\n        <description>\n"
            f"            {a['cve']}\n        </description>\n        <pubDate>{a['pubDate']}</pubDate>\n"
            f"        <guid>https://alas.aws.amazon.com/AL2023/{a['feedId']}.html</guid>\n"
            f"        <link>https://alas.aws.amazon.com/AL2023/{a['feedId']}.html</link>\n    </item>\n"
            for a in advisories)
        return ('<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"'
                ' xmlns:atom="http://www.w3.org/2005/Atom">\n<channel>\n    <title>Amazon Linux 2023 Security Bulletins</title>\n'
                '    <description>Amazon Linux 2023 Security Bulletins</description>\n    <link>https://alas.aws.amazon.com</link>\n'
                f'    <language>en-us</language>\n    <ttl>35</ttl>\n{items}</channel>\n</rss>\n')


class LocalGitHub(_Site):
    """The tarball endpoint of GitHub's API for example-org/fleet: GET /repos/example-org/fleet/tarball/<sha> answers
    with a redirect to the archive, as GitHub does, for the commits it has; 404 for any other."""

    def __init__(self, fleet: str):
        self.fleet = fleet
        self.commits = {}  # sha -> the folder its tarball packs
        self.head = None  # the newest commit: main's head
        self.tarball_requests = []
        super().__init__(GITHUB_API_PORT)

    def commit(self, sha: str = None) -> str:
        """A new commit of the fleet folder (pushed to main: its head), which the API has from now on."""
        sha = sha or secrets.token_hex(20)
        self.commits[sha] = self.fleet
        self.head = sha
        return sha

    def requests(self, sha: str) -> int:
        return sum(1 for request in self.tarball_requests if request["sha"] == sha)

    def answer(self, handler):
        api = re.fullmatch(r"/repos/example-org/fleet/tarball/([0-9a-f]{40})", handler.path)
        archive = re.fullmatch(r"/codeload/example-org/fleet/legacy.tar.gz/([0-9a-f]{40})", handler.path)
        if api:
            self.tarball_requests.append({"sha": api.group(1), "authorization": handler.headers.get("Authorization")})
        if handler.path == "/repos/example-org/fleet/commits/main" and self.head:
            # GitHub's "get a commit" answer, of which Kiln reads the sha (the fields a client is sure to find)
            self.reply(handler, 200, json.dumps({"sha": self.head, "commit": {"message": "the example fleet"},
                                                 "url": f"/repos/example-org/fleet/commits/{self.head}"}).encode(),
                       "application/json")
        elif api and api.group(1) in self.commits:
            self.reply(handler, 302, b"", headers={"Location": f"/codeload/example-org/fleet/legacy.tar.gz/{api.group(1)}"})
        elif archive and archive.group(1) in self.commits:
            self.reply(handler, 200, bundle(self.commits[archive.group(1)], archive.group(1)), "application/x-gzip")
        else:
            self.reply(handler, 404, b'{"message":"Not Found"}', "application/json")

    def control(self, handler, method, body):
        if method == "POST" and handler.path == CONTROL + "commits":
            self.commits[body["sha"]] = body["folder"]
            self.head = body["sha"]
            return {}
        if method == "GET" and handler.path == CONTROL + "requests":
            return self.tarball_requests
        return None


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


def content_sha(folder: str) -> str:
    """A commit id for the folder as it is: the same files give the same 40 hex digits."""
    digest = hashlib.sha1()
    for path in sorted(os.path.join(d, f) for d, _, files in os.walk(folder) for f in files):
        digest.update(os.path.relpath(path, folder).encode() + b"\0")
        with open(path, "rb") as file:
            digest.update(file.read() + b"\0")
    return digest.hexdigest()


def main(kind: str) -> int:
    """github, alas: serves the site until standard input closes (its test process ends) or the process is
    stopped. fleet: GitHub with one commit, examples/fleet as it is now, as main's head, until stopped
    (scripts/local-github)."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    site = (LocalGitHub(f"{root}/examples/fleet") if kind in ("github", "fleet") else LocalAlas(
        f"{root}/functions/advisory-feed/src/test/resources/alas/advisories/AL2023-ALAS-2023-126.vunnel.html"))
    if kind == "fleet":
        sha = site.commit(content_sha(site.fleet))
        print(f"GitHub on 127.0.0.1:{site.server.server_address[1]}: example-org/fleet, main at {sha}"
              " (examples/fleet)", flush=True)
        threading.Event().wait()
    print(f"{kind} on 127.0.0.1:{site.server.server_address[1]}", flush=True)
    sys.stdin.read()
    site.close()
    return 0


if __name__ == "__main__":
    if sys.argv[1:] not in (["github"], ["alas"], ["fleet"]):
        sys.exit("usage: local_fakes.py github|alas|fleet")
    sys.exit(main(sys.argv[1]))
