"""Generated avatars: a colored circle with the first character of the masked name, drawn here
as SVG (no upload, no outside service). The same user always gets the same picture: the color
comes from the user id, the letter from the name others see (`mask_name`), which begins with
the name's first character."""

from __future__ import annotations

import hashlib
from xml.sax.saxutils import escape

from django.urls import reverse

from .models import mask_name

SIZE = 64


def _letter(user) -> str:
    return mask_name(user.get_username())[:1].upper() or "?"


def avatar_color(user_id: int) -> str:
    """One of 360 hues, spread by the golden angle so neighbouring ids look different; dark
    enough for white text."""
    hue = round(user_id * 137.508) % 360
    return f"hsl({hue}, 55%, 42%)"


def avatar_svg(user) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{SIZE}" '
        f'viewBox="0 0 {SIZE} {SIZE}">'
        f'<circle cx="32" cy="32" r="32" fill="{avatar_color(user.pk)}"/>'
        '<text x="32" y="32" dy=".35em" text-anchor="middle" fill="#fff" font-size="30" '
        'font-family="system-ui, sans-serif">'
        f"{escape(_letter(user))}</text></svg>"
    )


def avatar_url(user) -> str:
    """The avatar's address; `v` changes with the letter, so browsers may keep it for long."""
    version = hashlib.sha256(_letter(user).encode()).hexdigest()[:8]
    return f"{reverse('web:avatar', args=[user.pk])}?v={version}"
