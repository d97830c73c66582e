"""Gateway keys: what a home's gateway authenticates ingestion with (never the GraphQL API).

A key is `<key_id>.<secret>`; only the secret's SHA-256 is stored. The secret is 256 random bits,
so a fast hash is enough (no password stretching needed: it cannot be guessed from a dictionary).
Keys live in public, beside the households, so an ingestion request finds its home in one look-up.
Revoking deletes the row: the next request with it is refused.
"""

from django.db import models

from households.models import Household

NAME_MAX_LENGTH = 100


class GatewayKey(models.Model):
    key_id = models.CharField(max_length=32, unique=True, editable=False)
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="gateway_keys")
    name = models.CharField(max_length=NAME_MAX_LENGTH)
    secret_sha256 = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_id})"
