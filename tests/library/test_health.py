"""Load balancers ask /-/ready: 200 only when the database, the cache and the storage answer;
the cache may be a Redis shared by several web nodes (WENKU_CACHE_URL)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import override_settings

from tests.factories import published_document
from tests.servers import free_port, redis_server

pytestmark = pytest.mark.django_db


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
    with redis_server(tmp_path_factory.mktemp("redis")) as port:
        yield port


def test_ready_when_every_part_answers(client):
    response = client.get("/-/ready")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok", "storage": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_not_ready_when_the_cache_is_gone(client):
    with override_settings(CACHES=_redis_cache(free_port())):  # nothing listens there
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
