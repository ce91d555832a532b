"""`wenku import` as a user runs it: a real process, real workers, JSON on stdout."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

from wenku.samples import documents as samples
from wenku.samples import hostile

from ..conversion.test_recovery import _database_url


@pytest.mark.office
@pytest.mark.django_db(transaction=True)
def test_import_wait_json(admin_user, tmp_docs):
    report = samples.make_docx(
        tmp_docs / "some-chinese-report.docx",
        title="某市土地批复报告",
        paragraphs=samples.chinese_paragraphs(12, seed=3),
        pages=6,
    )
    bad = hostile.make_random_bytes(tmp_docs / "broken.docx")
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "WENKU_DATA_DIR": str(settings.DATA_DIR),
        "WENKU_WORKERS": "1",
    }
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "wenku.cli",
            "import",
            str(report),
            str(bad),
            "--category",
            "资格与职业考试/其它",
            "--wait",
            "--json",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    rows = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    assert proc.returncode == 1, "one file was refused"
    by_file = {os.path.basename(r["file"]): r for r in rows}
    good = by_file["some-chinese-report.docx"]
    assert good["status"] == "ready" and good["pages"] == 6 and good["error"] == ""
    assert set(good) == {"file", "id", "status", "pages", "error"}
    assert by_file["broken.docx"]["status"] == "rejected"
    assert "不是有效的 DOCX" in proc.stderr

    from wenku.library.models import Document

    document = Document.objects.get(number=good["id"])
    assert document.category.path == "资格与职业考试/其它"
    pages = list(document.pages.order_by("number"))
    assert len(pages) == 6 and all(p.image and p.text for p in pages)


@pytest.mark.django_db
def test_import_unknown_user_is_an_error(tmp_docs):
    from django.core.management import CommandError, call_command

    path = samples.make_txt(tmp_docs / "a.txt", ["正文"])
    with pytest.raises(CommandError, match="用户 nobody 不存在"):
        call_command("import", str(path), "--user", "nobody")
