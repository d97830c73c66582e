from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import RefreshToken, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "is_staff", "is_active", "date_joined"]
    search_fields = ["email"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(RefreshToken)
class RefreshTokenAdmin(admin.ModelAdmin):
    """Who holds which login and when it was revoked; never a token (only digests are stored, and
    those are not shown either). Tokens are issued by logging in, never added here."""

    list_display = ["user", "family", "issued", "session_started", "revoked"]
    list_filter = ["revoked"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]
    exclude = ["token_hash"]
    readonly_fields = ["family", "created", "session_started_at"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="Issued (UTC)", ordering="created")
    def issued(self, token: RefreshToken) -> str:
        return f"{token.created:%Y-%m-%d %H:%M}"

    @admin.display(description="Session started (UTC)", ordering="session_started_at")
    def session_started(self, token: RefreshToken) -> str:
        return f"{token.session_started_at:%Y-%m-%d %H:%M}"
