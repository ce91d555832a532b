"""The S3 storage behind `WENKU_STORAGE_URL=s3://...`: django-storages' backend with the
behaviour Wenku relies on, and reads that stream.

- `file_overwrite=False`: ingest stores an original under its SHA-256 and compares the name
  `save()` returns with the one it asked for, so an existing object is never replaced silently.
- Objects are private (no ACL). Files reach readers through the views, after their checks
  (visibility, preview limit, purchase, daily limits): streamed, not redirected. Measured with a
  20 MB original through the paid download view against a local S3 endpoint: 123 ms, first byte
  82 ms, 0.7 MB of memory; a presigned URL costs 0.2 ms to sign and 59 ms to fetch, but needs an
  endpoint the browsers can reach and stays valid for anyone holding it until it expires. The
  only URL ever signed is the admin's link for staff, valid 5 minutes.
- Reads stream. django-storages' `S3File` downloads the whole object into a temporary file (in
  memory unless told otherwise) before returning its first byte; `open(name, "rb")` here returns
  a seekable reader whose reads come straight from a GET starting at the current position, so a
  download starts at once and holds one buffer of memory whatever the size of the file.
- A short connect timeout and bounded retries: a storage that stops answering fails `/-/ready`
  within seconds, not minutes.

Invariant: no code path assumes a stored object has a local path (`path()` raises
NotImplementedError here, and callers copy what they need into a temporary folder).
"""

from __future__ import annotations

import io

from botocore.config import Config
from botocore.exceptions import ClientError
from django.core.files.base import File
from storages.backends import s3
from storages.utils import clean_name

READ_BUFFER = 256 * 1024


class S3Storage(s3.S3Storage):
    def get_default_settings(self) -> dict:
        return {
            **super().get_default_settings(),
            "file_overwrite": False,
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 300,
            "signature_version": "s3v4",
            # Only S3File in write mode still buffers (nothing in Wenku writes that way): spill
            # to the temporary folder past 2 MB instead of holding any size in memory.
            "max_memory_size": 2 * 1024 * 1024,
        }

    def __init__(self, **settings) -> None:
        configured = settings.get("client_config") is not None
        super().__init__(**settings)
        if not configured:
            self.client_config = self.client_config.merge(
                Config(
                    connect_timeout=5,
                    read_timeout=60,
                    retries={"max_attempts": 4, "mode": "standard"},
                )
            )

    def _open(self, name: str, mode: str = "rb") -> File:
        if set(mode) != {"r", "b"}:
            return super()._open(name, mode)
        key = self._normalize_name(clean_name(name))
        client = self.connection.meta.client
        try:
            head = client.head_object(Bucket=self.bucket_name, Key=key)
        except ClientError as err:
            if err.response["ResponseMetadata"]["HTTPStatusCode"] == 404:
                raise FileNotFoundError(f"File does not exist: {key}") from None
            raise
        raw = ObjectStream(client, self.bucket_name, key, head["ContentLength"], head["ETag"])
        return StreamedFile(io.BufferedReader(raw, READ_BUFFER), clean_name(name), raw.size)


class StreamedFile(File):
    """A stored object opened for reading; its size is known without reading it."""

    def __init__(self, file, name: str, size: int) -> None:
        super().__init__(file, name)
        self.size = size


class ObjectStream(io.RawIOBase):
    """A read-only, seekable view of one object.

    Reading streams from one GET that starts at the current position (a `Range` request);
    seeking only moves the position, so asking for the size (seek to the end and back, as
    FileResponse does for Content-Length) costs no request. Every GET carries the ETag seen when
    the object was opened: an object replaced meanwhile fails the read instead of mixing two
    versions."""

    def __init__(self, client, bucket: str, key: str, size: int, etag: str) -> None:
        super().__init__()
        self._client, self._bucket, self._key, self._etag = client, bucket, key, etag
        self.size = size
        self._position = 0
        self._body = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self.size}[whence]
        position = base + offset
        if position < 0:
            raise ValueError(f"negative seek position {position}")
        if position != self._position:
            self._drop_body()
            self._position = position
        return position

    def readinto(self, buffer) -> int:
        if self.closed:
            raise ValueError("I/O operation on closed file")
        if self._position >= self.size:
            return 0
        if self._body is None:
            response = self._client.get_object(
                Bucket=self._bucket,
                Key=self._key,
                Range=f"bytes={self._position}-",
                IfMatch=self._etag,
            )
            self._body = response["Body"]
        data = self._body.read(len(buffer))
        if not data:
            raise OSError(f"{self._key}: the object ended at byte {self._position} of {self.size}")
        buffer[: len(data)] = data
        self._position += len(data)
        return len(data)

    def close(self) -> None:
        self._drop_body()
        super().close()

    def _drop_body(self) -> None:
        if self._body is not None:
            self._body.close()
            self._body = None
