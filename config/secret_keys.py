"""Which signing keys production refuses: every key published in this repository, and guessable ones.

Anyone holding the key signs access tokens for any account, staff included, so a key that was ever
written in the repository (compose defaults, examples, docs, tests, build steps, git history) or that
a person typed instead of generating can never sign production tokens. tests/hardening/test_secret_keys.py
extracts every key-like literal from the tracked files and checks each is refused here.
"""

import itertools
import re

MIN_LENGTH = 50
MIN_DISTINCT_CHARACTERS = 12
GENERATE = "python -c 'import secrets; print(secrets.token_urlsafe(50))'"

# Keys that were published (some only in git history): refused even if they looked random.
PUBLISHED = frozenset(
    {
        "insecure-development-key-0123456789abcdefghijklmnop",
        "docker-development-secret-key-change-me-0123456789",
        "collectstatic-build-step-only-0123456789abcdef",
        "change-me-to-a-long-random-string-of-50-characters",
        "production-test-key-0123456789abcdefghijklmnopq",
        "another-secret-key-0123456789abcdef",
    }
)
# Words people type into hand-made keys; a generated key contains none of them (by chance: < 1e-5).
PLACEHOLDER = re.compile(r"change|insecure|example|secret|default|develop|password|test|dummy|sample", re.I)
ORDERED_RUN = 8


def _has_ordered_run(key: str) -> bool:
    """`01234567`, `abcdefgh`, `hgfedcba`: typed, never in a generated key of this length by chance."""
    run = 1
    for before, after in itertools.pairwise(key):
        run = run + 1 if abs(ord(after) - ord(before)) == 1 else 1
        if run >= ORDERED_RUN:
            return True
    return False


def key_problem(key: str) -> str | None:
    """Why `key` must not sign production tokens, or None when it may."""
    if not key:
        return "it is not set"
    if key in PUBLISHED:
        return "it is published in this repository"
    if len(key) < MIN_LENGTH:
        return f"it is shorter than {MIN_LENGTH} characters"
    if len(set(key)) < MIN_DISTINCT_CHARACTERS:
        return f"it has fewer than {MIN_DISTINCT_CHARACTERS} different characters"
    if PLACEHOLDER.search(key) or _has_ordered_run(key):
        return "it looks typed by hand (a placeholder word or a run like 01234567)"
    return None


def refusal(setting: str, key: str) -> str | None:
    """The message production settings fail with, naming the setting and how to make a good key."""
    problem = key_problem(key)
    if problem is None:
        return None
    return f"{setting} is refused: {problem}. Generate one with: {GENERATE}"
