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
    list_display = ["user", "issued", "session_started", "revoked"]
    list_filter = ["revoked"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]
    readonly_fields = ["token"]

    @admin.display(description="Issued (UTC)", ordering="created")
    def issued(self, token: RefreshToken) -> str:
        return f"{token.created:%Y-%m-%d %H:%M}"

    @admin.display(description="Session started (UTC)", ordering="session_started_at")
    def session_started(self, token: RefreshToken) -> str:
        return f"{token.session_started_at:%Y-%m-%d %H:%M}"
