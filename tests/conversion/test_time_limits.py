"""Every step has a time limit; overrunning it is a retryable failure, never a hang."""

import subprocess
import time

import pytest

from wenku.conversion.detect import detect
from wenku.conversion.errors import StepTimeout
from wenku.conversion.office import OfficeConverter, office_timeout
from wenku.conversion.pipeline import to_pdf
from wenku.samples.office import make_docx
from wenku.samples.text import chinese_paragraphs

pytestmark = pytest.mark.office


def _soffice_processes(profile_marker: str) -> list[str]:
    out = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if "soffice" in line and profile_marker in line]


def test_libreoffice_overrunning_its_limit_is_killed(tmp_path, monkeypatch):
    from wenku.conversion import office

    path = make_docx(
        tmp_path / "long.docx", title="长", paragraphs=chinese_paragraphs(40), pages=30
    )
    monkeypatch.setattr(office, "office_timeout", lambda size: 0.5)
    monkeypatch.setattr("wenku.conversion.pipeline.office_timeout", lambda size: 0.5)
    converter = OfficeConverter(tmp_path / "limit-office", use_unoserver=False)
    started = time.monotonic()
    with pytest.raises(StepTimeout) as info:
        to_pdf(path, detect(path, path.name), tmp_path, converter)
    assert time.monotonic() - started < 5
    assert "超时" in info.value.message and info.value.permanent is False
    assert _soffice_processes("limit-office") == [], "the stuck LibreOffice was killed"


def test_limit_scales_with_size():
    assert office_timeout(0) == 60
    assert office_timeout(10 * 1024 * 1024) == 60 + 200
    assert office_timeout(10**10) == 900
