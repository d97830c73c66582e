"""The one canonical form of an email address: what is stored, looked up, made unique and throttled.

canonical = NFKC(casefold(NFKC(address.strip()))): compatibility characters become their plain
letters (the ligature U+FB01 -> `fi`, fullwidth U+FF36 -> `V`), then Unicode case folding ignores
case everywhere (`VICTIM@` = `Victim@` = `victim@`, `ß` = `ss`), and a last NFKC keeps the result
stable. Distinct letters stay distinct: the Turkish dotless i (U+0131) is not `i`, so `v`+U+0131+`ctim@`
is another address, which can never reach `victim@`'s account: every lookup compares canonical
forms exactly (PostgreSQL's UPPER() maps U+0131 to `I`, which is how `email__iexact` let it in).

The whole address is folded, the local part too: mail providers treat it case-insensitively in
practice, and two accounts that differ only by case are an attack, never a need.
"""

import unicodedata

# django-axes stores the username of each failed attempt in a 255-character column; a longer
# canonical form (folding can lengthen text: `ß` -> `ss`) belongs to no account anyway.
AXES_USERNAME_MAX_LENGTH = 255


def canonical_email(address: str) -> str:
    folded = unicodedata.normalize("NFKC", address.strip()).casefold()
    return unicodedata.normalize("NFKC", folded)


def axes_username(request, credentials: dict | None) -> str:
    """django-axes counts failures per canonical address (AXES_USERNAME_CALLABLE)."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return canonical_email(username if isinstance(username, str) else "")[:AXES_USERNAME_MAX_LENGTH]
