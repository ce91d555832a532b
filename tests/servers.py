"""Real servers the suite starts on free ports: Debian's redis-server and moto's S3 server.

Each runs as its own process for as long as its context manager is open."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REGION = "us-east-1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextmanager
def redis_server(folder: Path) -> Iterator[int]:
    """A Redis on a free port; yields the port."""
    server = shutil.which("redis-server")
    assert server, "redis-server is installed by make setup"
    port = free_port()
    # Without a shifted clock (scripts/test.sh runs a pass under libfaketime): Redis is a
    # server of its own, and it does not start under the preloaded library.
    env = {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "FAKETIME")}
    proc = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(folder)],
        stdout=subprocess.DEVNULL, env=env,
    )  # fmt: skip
    try:
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
    finally:
        _stop(proc)


@contextmanager
def moto_server() -> Iterator[str]:
    """moto's S3 server on a free port; yields its endpoint URL."""
    port = free_port()
    # Under the test run's clock, shifted or not (scripts/test.sh may run a pass under
    # libfaketime): the clients sign requests with the same clock.
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"moto server did not start on port {port}") from None
                time.sleep(0.1)
        yield endpoint
    finally:
        _stop(proc)


S3_ENV = {
    # Dummy credentials, from the variables boto3 reads; never the metadata service.
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_EC2_METADATA_DISABLED": "true",
}


class Bucket:
    """A fresh bucket on an S3 endpoint, with the WENKU_STORAGE_URL that names it."""

    def __init__(self, endpoint: str, prefix: str = "library") -> None:
        import boto3  # noqa: PLC0415 - only the tests that use S3 pay for boto3

        self.name = f"wenku-{uuid.uuid4().hex[:12]}"
        self.prefix = prefix
        self.endpoint = endpoint
        self.url = f"s3://{self.name}/{prefix}?endpoint_url={endpoint}&region_name={REGION}"
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name=REGION,
            aws_access_key_id=S3_ENV["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=S3_ENV["AWS_SECRET_ACCESS_KEY"],
        )
        self.client.create_bucket(Bucket=self.name)

    def key(self, name: str) -> str:
        return f"{self.prefix}/{name}"

    def keys(self, under: str = "") -> set[str]:
        """Storage names (without the prefix) of the objects under `under`."""
        paginator = self.client.get_paginator("list_objects_v2")
        found = set()
        for page in paginator.paginate(Bucket=self.name, Prefix=self.key(under)):
            found.update(o["Key"][len(self.prefix) + 1 :] for o in page.get("Contents", ()))
        return found

    def read(self, name: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=self.key(name))["Body"].read()

    def write(self, name: str, body: bytes) -> None:
        self.client.put_object(Bucket=self.name, Key=self.key(name), Body=body)
