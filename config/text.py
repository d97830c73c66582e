"""Text PostgreSQL can store: no NUL character and no lone surrogate (which has no UTF-8 form)."""


def is_storable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in text
