"""What every sample builder shares: reproducible bytes (a fixed moment instead of the clock)
and writing the files out.

Builders embed ``FIXED_TIMESTAMP`` (and ``ZIP_DATE_TIME`` for zip members) instead of the
current time, and ``normalize_zip`` pins what the Office libraries stamp with the clock, so
the same arguments give the same bytes; ``write_bytes`` writes one built file, creating its
folder, and returns its path.
"""

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

__all__ = ["FIXED_TIMESTAMP", "ZIP_DATE_TIME", "normalize_zip", "write_bytes"]

# A fixed moment used for every embedded date so that output bytes do not depend on the clock.
FIXED_TIMESTAMP = dt.datetime(2024, 1, 1, 8, 0, 0)
ZIP_DATE_TIME = (2024, 1, 1, 8, 0, 0)


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path``, creating its folder, and return the path as a ``Path``."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data)
    return p


_CORE_MODIFIED_RE = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def normalize_zip(data: bytes) -> bytes:
    """Re-pack an OOXML zip with fixed member timestamps so output bytes are reproducible.

    python-docx/pptx/openpyxl stamp members with the current time, and openpyxl also writes
    ``dcterms:modified = now`` into docProps/core.xml, which we pin here as well.
    """
    out = io.BytesIO()
    stamp = FIXED_TIMESTAMP.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "docProps/core.xml":
                body = _CORE_MODIFIED_RE.sub(rb"\g<1>" + stamp + rb"\g<2>", body)
            zi = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, body)
    return out.getvalue()
