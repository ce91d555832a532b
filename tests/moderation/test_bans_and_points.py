"""A banned user can do nothing that costs or earns points, through any door."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import give_points
from wenku.accounts import points, services
from wenku.accounts.bans import Punishment
from wenku.accounts.models import ApiToken
from wenku.accounts.rewards import reward_upload
from wenku.community import services as community
from wenku.library import downloads

pytestmark = pytest.mark.django_db


@pytest.fixture
def banned(reader):
    give_points(reader, 50)
    Punishment.objects.create(user=reader, kind="login", reason="恶意刷分")
    return reader


def test_banned_user_cannot_sign_in_for_points(banned):
    with pytest.raises(points.PointsFrozen):
        services.sign_in_today(banned)


def test_banned_user_cannot_buy(banned, make_document):
    with pytest.raises(downloads.DownloadRefused):
        downloads.download(banned, make_document(price=5))


def test_banned_user_cannot_tip_or_be_tipped(banned, user, make_document):
    with pytest.raises(community.ActionRefused):
        community.tip(banned, make_document(), 5)
    give_points(user, 10)
    their_document = make_document(uploader=banned)
    with pytest.raises(community.ActionRefused, match="已被封禁"):
        community.tip(user, their_document, 5)
    user.refresh_from_db()
    assert user.points == 10


def test_banned_uploader_earns_no_publish_reward(banned, make_document):
    assert reward_upload(make_document(uploader=banned)) == 0


def test_banned_user_api_token_buys_nothing(client, banned, make_document):
    _token, raw = ApiToken.issue(banned)
    response = client.post(
        f"/api/documents/{make_document(price=5).number}/download",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 401, "a login ban shuts the API door too"
    banned.refresh_from_db()
    assert banned.points == 50 == points.ledger_sum(banned)


def test_an_expired_ban_no_longer_applies(reader):
    Punishment.objects.create(
        user=reader,
        kind="login",
        reason="过去的处罚",
        starts_at=timezone.now() - dt.timedelta(days=2),
        ends_at=timezone.now() - dt.timedelta(days=1),
    )
    assert services.sign_in_today(reader)[0] is True


def test_upload_ban_refuses_uploads(reader, tmp_docs):
    from wenku.conversion.ingest import IngestError, ingest
    from wenku.samples.office import make_txt

    Punishment.objects.create(user=reader, kind="upload", reason="上传广告")
    path = make_txt(tmp_docs / "a.txt", ["正文"])
    with pytest.raises(IngestError, match="禁止上传"):
        ingest(path, "a.txt", reader)


def test_an_upload_ban_is_enforced_by_the_api_too(client, reader, tmp_docs):
    from wenku.samples.office import make_txt

    Punishment.objects.create(user=reader, kind="upload", reason="上传广告")
    _token, raw = ApiToken.issue(reader)
    path = make_txt(tmp_docs / "a.txt", ["正文"])
    with path.open("rb") as f:
        response = client.post(
            "/api/documents", {"file": f}, headers={"Authorization": f"Bearer {raw}"}
        )
    assert response.status_code == 403 and "禁止上传" in response.json()["detail"]
