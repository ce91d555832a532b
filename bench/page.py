"""Document page benchmark: the production server under load, against its own minimal view.

It builds a library in its own data folder (`var/bench-page-<pid>`, SQLite unless
`--database-url`): a 50-page Chinese PDF and 30 smaller documents in the same category (so that
相关资源 and 猜你喜欢 have work to do), imported and converted by the real pipeline
(`wenku import --wait`). Then `wenku serve` (gunicorn, gthread; no conversion workers and no
access log) serves the site, and wrk (Debian's package) loads, from a second process, with 16
connections for `--duration` seconds each:

- the minimal view `/-/ping` (Django's full middleware stack, a constant response),
- the document page `/doc/<id>/` of the 50-page document (an anonymous reader, as search
  engines and most visitors are: served from the page cache),
- the same page rendered every time: with a query string (`?from=bench`, which the page cache
  does not serve) and for a logged-in reader (a session cookie; logged-in pages are never
  cached),

- the home page, the category page and a search results page, as an anonymous visitor sees
  them (from the list pages' cache: `wenku.library.pagecache`),

alternating `--rounds` times so that all see the same machine. It prints requests/s, p50 and
p99 of each, and the ratio of each page to the minimal view. Targets: cached document page,
home and category pages >= 0.5 of the minimal view, the search page >= 0.25, p99 <= 100 ms for
each; the uncached renders are reported.
Any error response or socket error (connect, read, write, timeout) fails the run. The script
exits 1 when a target is missed; the last line is one line of JSON.

    .venv/bin/python bench/page.py [--duration 20] [--rounds 1] [--quick] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET_RATIO = 0.5
TARGET_SEARCH_RATIO = 0.25
TARGET_P99_MS = 100.0
CONNECTIONS = 16


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wenku(env: dict, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "wenku.cli", *args], env=env, check=True, text=True, **kwargs
    )


def build_library(env: dict, folder: Path) -> int:
    """Import the documents through the real pipeline; return the big document's number."""
    sys.path.insert(0, str(REPO / "src"))
    from wenku.samples.pdf import make_pdf

    folder.mkdir(parents=True, exist_ok=True)
    big = make_pdf(folder / "big.pdf", title="五十页的文档", pages=50, seed=50)
    small = [
        make_pdf(folder / f"small-{i}.pdf", title=f"相关文档{i}", pages=3, seed=100 + i)
        for i in range(30)
    ]
    _wenku(env, "migrate", "--verbosity", "0")
    _wenku(env, "createsuperuser", "--noinput", "--username", "bench",
           "--email", "bench@example.com")  # fmt: skip
    out = _wenku(
        env, "import", str(big), *map(str, small), "--user", "bench",
        "--category", "资格与职业考试/其它", "--tags", "汇报,规划,土地",
        "--wait", "--json", capture_output=True,
    ).stdout  # fmt: skip
    rows = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    big_row = next(r for r in rows if r["file"].endswith("big.pdf"))
    if big_row.get("status") != "ready" or big_row.get("pages") != 50:
        raise SystemExit(f"the 50-page document did not convert: {big_row}")
    return big_row["id"]


def serve(env: dict, port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "wenku.cli", "serve", "--bind", f"127.0.0.1:{port}",
         "--workers", "0", "--no-access-log"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/-/ping", timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("the server did not start")


_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNIT_MS[unit]


def wrk(url: str, duration: int, cookie: str = "") -> dict:
    headers = ["-H", f"Cookie: {cookie}"] if cookie else []
    out = subprocess.run(
        ["wrk", "-t", "2", "-c", str(CONNECTIONS), "-d", f"{duration}s", "--latency",
         *headers, url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    if sockets and any(int(n) for n in sockets.groups()):
        raise SystemExit(f"{url}: socket errors\n{out}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise SystemExit(f"{url}: {errors.group(1)} error responses\n{out}")
    return {"rps": rps, "p50_ms": round(p50, 2), "p99_ms": round(p99, 2)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=20, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=1, help="alternations of the two runs")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--keep", action="store_true", help="keep the data folder")
    parser.add_argument("--quick", action="store_true", help="3-second runs (make bench)")
    args = parser.parse_args(argv)
    if args.quick:
        args.duration = 3
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk (make setup installs it)")

    data_dir = REPO / "var" / f"bench-page-{os.getpid()}"
    env = {
        **os.environ,
        "WENKU_DATA_DIR": str(data_dir),
        "DATABASE_URL": args.database_url,
        "DJANGO_SUPERUSER_PASSWORD": "bench-password-1",
        "PYTHONPATH": str(REPO / "src"),
    }
    server = None
    try:
        number = build_library(env, data_dir / "sources")
        port = _free_port()
        server = serve(env, port)
        base = f"http://127.0.0.1:{port}"
        page_url, ping_url = f"{base}/doc/{number}/", f"{base}/-/ping"
        with urllib.request.urlopen(page_url) as r:  # warm up; check that it is the page
            html = r.read().decode()
        assert "第50页 / 共50页" in html or "第20页 / 共50页" in html, "not the document page"
        cookie = login_cookie(env)
        request = urllib.request.Request(page_url, headers={"Cookie": cookie})
        with urllib.request.urlopen(request) as r:
            assert "退出" in r.read().decode(), "the session cookie does not log in"
        wrk(ping_url, 2)
        wrk(page_url, 2)
        category_url = base + re.search(r'href="(/category/\d+/)"', html).group(1)
        lists = {
            "home": f"{base}/",
            "category": category_url,
            "search": f"{base}/search/?q=%E7%9B%B8%E5%85%B3%E6%96%87%E6%A1%A3",  # 相关文档
        }
        for url in lists.values():
            with urllib.request.urlopen(url) as r:
                assert r.status == 200
        names = ("minimal", "document", "query", "user", *lists)
        runs: dict[str, list[dict]] = {k: [] for k in names}
        for _ in range(args.rounds):
            runs["minimal"].append(wrk(ping_url, args.duration))
            runs["document"].append(wrk(page_url, args.duration))
            runs["query"].append(wrk(f"{page_url}?from=bench", args.duration))
            runs["user"].append(wrk(page_url, args.duration, cookie=cookie))
            for name, url in lists.items():
                runs[name].append(wrk(url, args.duration))
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(30)
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)

    def summary(rows: list[dict]) -> dict:
        return {
            "rps": round(sum(r["rps"] for r in rows) / len(rows), 1),
            "p50_ms": round(sorted(r["p50_ms"] for r in rows)[len(rows) // 2], 2),
            "p99_ms": round(max(r["p99_ms"] for r in rows), 2),
        }

    minimal, document = summary(runs["minimal"]), summary(runs["document"])
    query, user = summary(runs["query"]), summary(runs["user"])
    home, category, search = (
        summary(runs["home"]),
        summary(runs["category"]),
        summary(runs["search"]),
    )
    ratio = round(document["rps"] / minimal["rps"], 3)
    for name, row in (
        ("minimal view", minimal),
        ("document page", document),
        ("page ?query", query),
        ("page logged in", user),
        ("home", home),
        ("category", category),
        ("search", search),
    ):
        share = row["rps"] / minimal["rps"]
        print(f"{name:15} {row['rps']:8.1f} req/s  p50 {row['p50_ms']:6.2f} ms  "
              f"p99 {row['p99_ms']:6.2f} ms  ({share:.3f} of minimal)")  # fmt: skip
    print(f"ratio {ratio} (target >= {TARGET_RATIO}); document p99 {document['p99_ms']} ms "
          f"(target <= {TARGET_P99_MS})")  # fmt: skip
    figures = {
        "bench": "page",
        "database": "postgresql" if args.database_url.startswith("postgres") else "sqlite",
        "connections": CONNECTIONS,
        "duration_s": args.duration,
        "rounds": args.rounds,
        "minimal": minimal,
        "document": document,
        "uncached_query": query,
        "uncached_logged_in": user,
        "uncached_query_ratio": round(query["rps"] / minimal["rps"], 3),
        "uncached_logged_in_ratio": round(user["rps"] / minimal["rps"], 3),
        "ratio": ratio,
        "home": home,
        "category": category,
        "search": search,
        "home_ratio": round(home["rps"] / minimal["rps"], 3),
        "category_ratio": round(category["rps"] / minimal["rps"], 3),
        "search_ratio": round(search["rps"] / minimal["rps"], 3),
    }
    figures["ratio_met"] = (
        ratio >= TARGET_RATIO
        and figures["home_ratio"] >= TARGET_RATIO
        and figures["category_ratio"] >= TARGET_RATIO
        and figures["search_ratio"] >= TARGET_SEARCH_RATIO
    )
    figures["p99_met"] = all(
        row["p99_ms"] <= TARGET_P99_MS for row in (document, home, category, search)
    )
    print(json.dumps(figures, ensure_ascii=False))
    return 0 if figures["ratio_met"] and figures["p99_met"] else 1


def login_cookie(env: dict) -> str:
    """A session cookie of a reader, made with Django's own session store."""
    code = (
        "from django.contrib.auth import get_user_model, BACKEND_SESSION_KEY, SESSION_KEY,"
        " HASH_SESSION_KEY; from django.contrib.sessions.backends.db import SessionStore;"
        "u, _ = get_user_model().objects.get_or_create(username='bench-reader');"
        "u.set_password('bench-reader-pw-1'); u.save(); s = SessionStore();"
        "s[SESSION_KEY] = str(u.pk);"
        "s[BACKEND_SESSION_KEY] = 'wenku.accounts.auth.ThrottledBackend';"
        "s[HASH_SESSION_KEY] = u.get_session_auth_hash(); s.create(); print(s.session_key)"
    )
    key = _wenku(env, "shell", "-c", code, capture_output=True).stdout.strip()
    return f"sessionid={key.splitlines()[-1]}"


if __name__ == "__main__":
    sys.exit(main())
