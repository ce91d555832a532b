from django import template

from wenku.accounts.models import mask_name
from wenku.library.text import human_size

register = template.Library()


@register.filter
def size(value: int) -> str:
    """17.93KB / 1.20MB, as on the document sites readers know."""
    return human_size(int(value or 0))


@register.simple_tag(takes_context=True)
def shown_name(context, user) -> str:
    """A user's name as the viewer may see it: masked, except to the user themself."""
    viewer = context.get("user")
    if viewer is not None and getattr(viewer, "pk", None) == user.pk:
        return user.get_username()
    return mask_name(user.get_username())
