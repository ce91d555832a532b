"""A Wenku cluster on one machine: web nodes and worker nodes as separate processes, each with
its own data folder, sharing one PostgreSQL database, one Redis and one S3 bucket (moto's
server) — nothing on a shared disk. Used by tests/cluster and bench/cluster.py."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
import uuid
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import requests

from tests.servers import S3_ENV, Bucket, free_port, moto_server, redis_server

WENKU = Path(sys.executable).parent / "wenku"
ADMIN = "admin"
ADMIN_PASSWORD = "cluster-admin-pw-123"


@dataclass
class Node:
    name: str
    kind: str  # "web" or "worker"
    data_dir: Path
    proc: subprocess.Popen
    url: str = ""

    def alive(self) -> bool:
        return self.proc.poll() is None


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(parent)],
                             capture_output=True, text=True).stdout  # fmt: skip
        children = [int(p) for p in out.split()]
        found += children
        todo += children
    return found


@dataclass
class Cluster:
    """`with Cluster(root, server_url) as c:` starts the shared parts; then `add_web()`,
        `add_worker()`. `server_url` is a PostgreSQL URL; the cluster makes its own database (and
    drops it at the end)."""

    root: Path
    server_url: str
    lease_seconds: float = 5
    # "s3": a bucket on moto's server; "local": one folder of this machine that every node
    # shares (only possible on one machine: for measuring what object storage costs).
    storage: str = "s3"
    nodes: list[Node] = field(default_factory=list)

    def __enter__(self) -> Cluster:
        self._stack = ExitStack()
        try:
            self._start()
        except BaseException:
            self._stack.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        for node in self.nodes:
            self.kill(node)
        self._stack.close()

    def _start(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        redis_port = self._stack.enter_context(redis_server(self.root))
        if self.storage == "s3":
            self.bucket = Bucket(self._stack.enter_context(moto_server()))
            files = {"WENKU_STORAGE_URL": self.bucket.url}
        else:
            files = {"WENKU_STORAGE_ROOT": str(self.root / "shared-files")}
        base, _, _ = self.server_url.rpartition("/")
        self.database = f"wenku_cluster_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.database}"')
        self._stack.callback(self._drop_database, base)
        self.database_url = f"{base}/{self.database}"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("WENKU_", "DJANGO"))},
            **S3_ENV,
            "DATABASE_URL": self.database_url,
            "WENKU_CACHE_URL": f"redis://127.0.0.1:{redis_port}/0",
            **files,
            # One key for every node: sessions and signed links work on any of them.
            "WENKU_SECRET_KEY": secrets.token_urlsafe(40),
            "WENKU_LEASE_SECONDS": str(self.lease_seconds),
            "WENKU_UPLOADS_PER_HOUR": "0",
        }
        setup = self.root / "setup"
        self._run(["migrate", "--noinput", "-v", "0"], setup)
        self._run(["createsuperuser", "--noinput", "--username", ADMIN, "--email", "a@x.cn"],
                  setup, DJANGO_SUPERUSER_PASSWORD=ADMIN_PASSWORD)  # fmt: skip
        self.token = self._run(["token", ADMIN], setup).strip()

    def _drop_database(self, base: str) -> None:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')

    def _node_env(self, data_dir: Path, **extra: str) -> dict:
        data_dir.mkdir(parents=True, exist_ok=True)
        return {**self.env, "WENKU_DATA_DIR": str(data_dir), **extra}

    def _run(self, args: list[str], data_dir: Path, **extra: str) -> str:
        done = subprocess.run([str(WENKU), *args], env=self._node_env(data_dir, **extra),
                              capture_output=True, text=True, timeout=300)  # fmt: skip
        if done.returncode:
            raise RuntimeError(f"wenku {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def _spawn(self, name: str, kind: str, args: list[str], **extra: str) -> Node:
        data_dir = self.root / name
        log = (self.root / f"{name}.log").open("ab")
        env = self._node_env(data_dir, **extra)
        proc = subprocess.Popen([str(WENKU), *args], env=env, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
        node = Node(name, kind, data_dir, proc)
        self.nodes.append(node)
        return node

    def add_web(self) -> Node:
        port = free_port()
        node = self._spawn(
            f"web-{sum(n.kind == 'web' for n in self.nodes) + 1}", "web",
            ["serve", "--workers", "0", "--bind", f"127.0.0.1:{port}", "--web-workers", "2",
             "--threads", "4", "--no-access-log"],
        )  # fmt: skip
        node.url = f"http://127.0.0.1:{port}"
        self._wait(lambda: requests.get(f"{node.url}/-/ready", timeout=2).status_code == 200,
                   node, "ready")  # fmt: skip
        return node

    def add_worker(self, processes: int = 1) -> Node:
        name = f"worker-{sum(n.kind == 'worker' for n in self.nodes) + 1}"
        # Each worker node is a host of its own: its own name in the leases.
        node = self._spawn(name, "worker", ["worker", "-n", str(processes)],
                           WENKU_NODE_NAME=name)  # fmt: skip
        markers = [node.data_dir / "run" / f"worker-{slot}" / "ready" for slot in range(processes)]
        self._wait(lambda: all(m.exists() for m in markers), node, "warm")
        return node

    def _wait(self, done, node: Node, what: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if done():
                    return
            except requests.RequestException:
                pass
            if not node.alive():
                raise RuntimeError(f"{node.name} exited:\n{self.log(node)}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{node.name} not {what} in {timeout} s:\n{self.log(node)}")
            time.sleep(0.1)

    def log(self, node: Node) -> str:
        return (self.root / f"{node.name}.log").read_text(errors="replace")[-4000:]

    def kill(self, node: Node) -> None:
        """Kill every process of the node at once, LibreOffice included (a host that dies)."""
        pids = [node.proc.pid, *_descendants(node.proc.pid)]
        for pid in pids:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        node.proc.wait()

    def sql(self, query: str, *params) -> list[tuple]:
        with psycopg.connect(self.database_url, autocommit=True) as conn:
            return conn.execute(query, params).fetchall()

    def upload(self, web: Node, path: Path, **fields: str) -> dict:
        with path.open("rb") as f:
            response = requests.post(f"{web.url}/api/documents", files={"file": f}, data=fields,
                                     headers=self.auth, timeout=60)  # fmt: skip
        assert response.status_code == 201, response.text
        return response.json()

    @property
    def auth(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}
