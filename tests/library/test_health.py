"""Load balancers ask /-/ready: 200 only when the database, the cache and the storage answer;
the cache may be a Redis shared by several web nodes (WENKU_CACHE_URL)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time

import pytest
from django.core.cache import cache
from django.test import override_settings

from tests.factories import published_document

pytestmark = pytest.mark.django_db


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _redis_cache(port: int) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


@pytest.fixture(scope="module")
def redis_port(tmp_path_factory):
    """A real Redis (Debian's redis-server) on a free port, for this module only."""
    server = shutil.which("redis-server")
    assert server, "redis-server is installed by make setup"
    port = _free_port()
    folder = tmp_path_factory.mktemp("redis")
    # Without a shifted clock (scripts/test.sh runs a pass under libfaketime): Redis is a
    # server of its own, and it does not start under the preloaded library.
    env = {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "FAKETIME")}
    proc = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(folder)],
        stdout=subprocess.DEVNULL, env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            assert proc.poll() is None, f"redis-server exited with {proc.returncode}"
            assert time.monotonic() < deadline, "redis-server did not start in 10 s"
            time.sleep(0.05)
    yield port
    proc.terminate()
    proc.wait(10)


def test_ready_when_every_part_answers(client):
    response = client.get("/-/ready")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok", "storage": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_not_ready_when_the_cache_is_gone(client):
    with override_settings(CACHES=_redis_cache(_free_port())):  # nothing listens there
        response = client.get("/-/ready")
    assert response.status_code == 503
    assert response.json()["cache"].startswith("error") and response.json()["database"] == "ok"


def test_not_ready_when_the_storage_cannot_be_written(client, tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    storages = {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "a-file" / "storage")},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        response = client.get("/-/ready")
    assert response.status_code == 503 and response.json()["storage"].startswith("error")


def test_a_shared_redis_cache_serves_every_node(client, user, redis_port):
    import redis

    document = published_document(uploader=user, title="共享缓存")
    with override_settings(CACHES=_redis_cache(redis_port)):
        assert client.get("/-/ready").status_code == 200
        cache.set("wenku:shared", "from node A", 30)
        first = client.get(document.get_absolute_url())
        assert first.status_code == 200
    # Another node is another process with its own connection: the values are in Redis itself.
    raw = redis.Redis(host="127.0.0.1", port=redis_port)
    keys = [k.decode() for k in raw.keys("*")]
    assert any(k.endswith("wenku:shared") for k in keys)
    assert len(keys) > 1, "the page cache and site settings went to Redis too"
