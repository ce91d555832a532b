"""The proof files of copyright complaints: what is accepted (PDF, JPEG or PNG, told by their
bytes, never by their name or the client's content type; at most 10 MB), where they are kept,
and what they are sent as.

Invariant: a proof file lives in the default storage under `complaints/<random>/` with a name
this module made (never the client's), and is only ever streamed through the access-checked
view (`complaint_views.proof_file`), as an attachment: the storage folder is not served."""

from __future__ import annotations

import secrets

from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from .services import ModerationError

MAX_BYTES = 10 * 1024 * 1024

# What a file starts with -> (its kind's extension, its content type).
MAGIC = {
    b"%PDF-": ("pdf", "application/pdf"),
    b"\xff\xd8\xff": ("jpg", "image/jpeg"),
    b"\x89PNG\r\n\x1a\n": ("png", "image/png"),
}
CONTENT_TYPES = dict(MAGIC.values())

# The files of a complaint, by the name the download URL uses.
FIELDS = {"identity": "identity_proof", "rights": "rights_proof", "counter": "counter_proof"}


def kind_of(head: bytes) -> str | None:
    """The extension of the kind `head` (a file's first bytes) begins, or None."""
    for magic, (extension, _type) in MAGIC.items():
        if head.startswith(magic):
            return extension
    return None


def check(upload, label: str) -> str:
    """The extension of an accepted `upload` (a Django UploadedFile), or a refusal naming the
    file by `label` ("身份证明"...): missing (400), too large (413) or not a PDF/JPEG/PNG (400)."""
    if upload is None or not getattr(upload, "size", 0):
        raise ModerationError(_("请上传%(label)s（PDF、JPG 或 PNG）。") % {"label": label})
    if upload.size > MAX_BYTES:
        raise ModerationError(
            _("%(label)s不能超过 %(mb)s MB。") % {"label": label, "mb": MAX_BYTES // 2**20},
            "too_large",
            413,
        )
    upload.seek(0)
    extension = kind_of(upload.read(16))
    upload.seek(0)
    if extension is None:
        raise ModerationError(
            _("%(label)s须为 PDF、JPG 或 PNG 文件（按文件内容判断，不看扩展名）。")
            % {"label": label},
            "bad_file",
        )
    return extension


def store(upload, extension: str, name: str) -> str:
    """Keep `upload` under a fresh random folder; returns its storage name."""
    upload.seek(0)
    folder = secrets.token_hex(16)
    return default_storage.save(f"complaints/{folder}/{name}.{extension}", upload)


def forget(*names: str) -> None:
    """Delete stored proof files (a complaint that was not saved after all)."""
    for name in names:
        if name:
            default_storage.delete(name)


def content_type(name: str) -> str:
    return CONTENT_TYPES.get(name.rsplit(".", 1)[-1], "application/octet-stream")
