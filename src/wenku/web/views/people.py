"""Home pages of readers and uploaders (`/u/<id>/`): the name others see, a generated avatar,
the counts, the follow button, the public folders and the public uploads; and whom a user
follows.

Only public documents (`Document.objects.public()`) appear; nobody's real user name is shown
to anyone but themself (`shown_name`); an inactive user's pages are 404."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from wenku.accounts.avatars import avatar_svg, avatar_url
from wenku.accounts.models import User
from wenku.community import folders, follows
from wenku.web.related import LIST_FIELDS

PER_PAGE = 20
PEOPLE_PER_PAGE = 50
# The picture changes only with the user's name, and its address with it (`avatar_url`).
AVATAR_MAX_AGE = 30 * 86400


def _person(user_id: int) -> User:
    return get_object_or_404(User, pk=user_id, is_active=True)


def _page(request: HttpRequest, rows, per_page: int):
    return Paginator(rows, per_page).get_page(request.GET.get("page"))


def home(request: HttpRequest, user_id: int) -> HttpResponse:
    person = _person(user_id)
    counts = follows.counts(person)
    paginator = Paginator(follows.public_uploads(person).only(*LIST_FIELDS), PER_PAGE)
    paginator.count = counts.documents  # the same public documents, already counted
    return render(
        request,
        "library/person.html",
        {
            "person": person,
            "avatar": avatar_url(person),
            "counts": counts,
            "is_self": request.user.pk == person.pk,
            "is_following": follows.is_following(request.user, person),
            "page": paginator.get_page(request.GET.get("page")),
            "folders": list(folders.public_folders_of(person)),
        },
    )


def following(request: HttpRequest, user_id: int) -> HttpResponse:
    """Whom `user_id` follows, each with their avatar and the name others see."""
    person = _person(user_id)
    page = _page(request, follows.following_of(person), PEOPLE_PER_PAGE)
    for row in page:
        row.avatar = avatar_url(row.followed)
    return render(
        request,
        "library/person_following.html",
        {"person": person, "avatar": avatar_url(person), "page": page},
    )


def avatar(request: HttpRequest, user_id: int) -> HttpResponse:
    response = HttpResponse(avatar_svg(_person(user_id)), content_type="image/svg+xml")
    response["Cache-Control"] = f"public, max-age={AVATAR_MAX_AGE}"
    # Opened on its own, the picture may run nothing and load nothing.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response
