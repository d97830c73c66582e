"""Text PostgreSQL can store (no NUL character, no lone surrogate), and what of a client's text an
error message may echo."""

from django.conf import settings


def is_storable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


def excerpt(text: str) -> str:
    """At most ECHO_MAX_CHARS characters of client input, marked when cut: an error never echoes
    megabytes back (or into logs)."""
    limit = settings.ECHO_MAX_CHARS
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} characters)"
