"""Text PostgreSQL can store (no NUL character, no lone surrogate), names fit to show people, and
what of a client's text an error message may echo."""

import unicodedata

from django.conf import settings

# Bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): they reorder how
# the text around them is displayed, so a name could show other text than it holds.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def is_storable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


def is_name(text: str) -> bool:
    """Fit to show as a name: no control character (ESC, newline, NUL...), lone surrogate or
    bidirectional control."""
    return not any(unicodedata.category(char) in ("Cc", "Cs") or char in BIDI_CONTROLS for char in text)


def excerpt(text: str) -> str:
    """At most ECHO_MAX_CHARS characters of client input, marked when cut: an error never echoes
    megabytes back (or into logs)."""
    limit = settings.ECHO_MAX_CHARS
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} characters)"
