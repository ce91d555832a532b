"""Sensitive words (敏感词): the list operators keep in the admin, asked by every app that shows
what users wrote (documents, comments, related searches)."""

from __future__ import annotations

from .models import SensitiveWord


def _sensitive_words() -> list[str]:
    return list(SensitiveWord.objects.values_list("word", flat=True))


def sensitive_words_in(*texts: str) -> list[str]:
    """The sensitive words (as listed) that any of `texts` contains, case-insensitively."""
    words = _sensitive_words()
    if not words:
        return []
    lowered = [(text or "").lower() for text in texts]
    return [word for word in words if any(word.lower() in text for text in lowered)]


def without_sensitive(words: list[str]) -> list[str]:
    """`words` less those containing a sensitive word (one query for the whole list)."""
    sensitive = [w.lower() for w in _sensitive_words()]
    return [w for w in words if not any(s in w.lower() for s in sensitive)]
