"""Gateway key material (plain Python): `gk_<16 hex>.<43 url-safe characters>`, hashed with SHA-256."""

import hashlib
import hmac
import re
import secrets

KEY_ID_PREFIX = "gk_"
_KEY = re.compile(r"^(gk_[0-9a-f]{16})\.([A-Za-z0-9_-]{43})$")


def key_generate() -> tuple[str, str]:
    """(key id, whole key): the id names the key (and its MQTT username); the key is shown once."""
    key_id = KEY_ID_PREFIX + secrets.token_hex(8)
    return key_id, f"{key_id}.{secrets.token_urlsafe(32)}"


def key_split(key: str) -> tuple[str, str] | None:
    """(key id, secret) of a well-formed key; None for anything else."""
    match = _KEY.match(key)
    return (match.group(1), match.group(2)) if match else None


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_matches(secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(secret_hash(secret), stored_hash)
