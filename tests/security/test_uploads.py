"""Uploads cannot add categories for anyone or name someone else's private documents."""

from __future__ import annotations

import pytest

from tests.factories import published_document
from tests.samples import hostile
from wenku.accounts.models import ApiToken
from wenku.conversion.ingest import Duplicate, IngestError, ingest
from wenku.library.models import Category, Document
from wenku.samples.office import make_txt

pytestmark = pytest.mark.django_db


def _post(client, token, path, **fields):
    with path.open("rb") as f:
        return client.post(
            "/api/documents", {"file": f, **fields}, headers={"Authorization": f"Bearer {token}"}
        )


def test_a_reader_cannot_create_categories(client, user, tmp_docs):
    _, token = ApiToken.issue(user)
    path = make_txt(tmp_docs / "a.txt", ["正文"])
    response = _post(client, token, path, category="广告/快来买")
    assert response.status_code == 400
    assert "不存在" in response.json()["detail"]
    assert not Category.objects.exists()
    assert Document.objects.count() == 0


def test_a_refused_file_creates_no_category_even_for_staff(admin_user, tmp_docs):
    with pytest.raises(IngestError):
        ingest(hostile.make_exe(tmp_docs / "x.exe"), "x.exe", admin_user, _meta("新分类/子类"))
    assert not Category.objects.exists()


def test_staff_create_categories_with_an_accepted_file(admin_user, tmp_docs):
    path = make_txt(tmp_docs / "a.txt", ["正文"])
    document = ingest(path, "a.txt", admin_user, _meta("新分类/子类"))
    assert document.category.path == "新分类/子类"


def test_anyone_may_file_into_an_existing_category(user, tmp_docs):
    existing = Category.from_path("教育/课件")
    document = ingest(make_txt(tmp_docs / "a.txt", ["正文"]), "a.txt", user, _meta("教育/课件"))
    assert document.category == existing
    assert Category.objects.count() == 2


def _meta(category):
    from wenku.conversion.ingest import Metadata

    return Metadata(category=category)


@pytest.mark.parametrize(
    ("visibility", "status", "named"),
    [
        ("public", "ready", True),
        ("private", "ready", False),
        ("unlisted", "ready", False),
        ("public", "queued", False),
    ],
)
def test_a_duplicate_is_named_only_when_the_uploader_may_see_it(
    visibility, status, named, user, django_user_model, tmp_docs
):
    other = django_user_model.objects.create_user("other", password="pw-other-123456")
    body = b"identical bytes of a text file\n"
    existing = published_document(
        uploader=other, title="别人的私密文档", body=body, visibility=visibility, fmt="txt"
    )
    Document.objects.filter(pk=existing.pk).update(status=status)
    import hashlib

    Document.objects.filter(pk=existing.pk).update(sha256=hashlib.sha256(body).hexdigest())
    path = tmp_docs / "same.txt"
    path.write_bytes(body)
    with pytest.raises(Duplicate) as info:
        ingest(path, "same.txt", user)
    assert ("别人的私密文档" in info.value.message) is named
    assert (str(existing.number) in info.value.message) is named
    assert (info.value.existing is not None) is named
    # The owner is always told which of their documents it is.
    with pytest.raises(Duplicate) as own:
        ingest(path, "same.txt", other)
    assert "别人的私密文档" in own.value.message


def test_the_api_does_not_name_a_private_duplicate(client, user, django_user_model, tmp_docs):
    import hashlib

    other = django_user_model.objects.create_user("other", password="pw-other-123456")
    body = b"private bytes\n"
    existing = published_document(
        uploader=other, title="私密", body=body, visibility="private", fmt="txt"
    )
    Document.objects.filter(pk=existing.pk).update(sha256=hashlib.sha256(body).hexdigest())
    path = tmp_docs / "same.txt"
    path.write_bytes(body)
    _, token = ApiToken.issue(user)
    response = _post(client, token, path)
    assert response.status_code == 409
    assert response.json()["existing_id"] is None and "私密" not in response.json()["detail"]


def test_uploads_are_limited_per_uploader_and_per_address(client, user, tmp_docs, wenku_config):
    wenku_config(uploads_per_hour=2)
    _, token = ApiToken.issue(user)
    codes = []
    for n in range(3):
        path = make_txt(tmp_docs / f"{n}.txt", [f"第{n}份"])
        codes.append(_post(client, token, path).status_code)
    assert codes == [201, 201, 429]
    # Another account from the same address is limited by the address.
    other = user.__class__.objects.create_user("other", password="pw-other-123456")
    _, other_token = ApiToken.issue(other)
    path = make_txt(tmp_docs / "x.txt", ["另一个人"])
    response = _post(client, other_token, path)
    assert response.status_code == 429 and "每小时最多" in response.json()["detail"]


def test_staff_and_the_command_line_are_not_limited(admin_user, tmp_docs, wenku_config):
    wenku_config(uploads_per_hour=1)
    for n in range(3):
        ingest(make_txt(tmp_docs / f"{n}.txt", [f"管理员{n}"]), f"{n}.txt", admin_user)
    assert Document.objects.count() == 3
