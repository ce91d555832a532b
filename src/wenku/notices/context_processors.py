from functools import partial

from django.utils.functional import SimpleLazyObject

from .services import unread_count


def unread(request):
    """`unread_notices` for the header: a COUNT run only if a page of a logged-in user shows it.

    Anonymous visitors get nothing (no query), so their pages stay the same for everyone and the
    shared page cache keeps working."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notices": SimpleLazyObject(partial(unread_count, user))}
