"""Households in admin: created by sign-up (which provisions the schema), never added or deleted here.

reporting.admin extends this list with each household's latest tick (the operators' fleet view).
The user list, defined in accounts (which knows nothing of households), gains each user's household
here. Times are labelled with their zone: UTC here, the household's own where it is local.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from accounts.admin import UserAdmin
from accounts.models import User
from households.models import Household, Membership

UTC_FORMAT = "%Y-%m-%d %H:%M"


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]
    fields = ["user", "role", "joined"]
    readonly_fields = ["joined"]

    @admin.display(description="Joined (UTC)")
    def joined(self, membership: Membership) -> str:
        return f"{membership.created_at:{UTC_FORMAT}}" if membership.created_at else "-"


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ["name", "timezone"]
    list_filter = ["timezone"]
    search_fields = ["name"]
    show_full_result_count = False
    fields = ["name", "timezone", "schema_name", "created"]
    readonly_fields = ["timezone", "schema_name", "created"]
    inlines = [MembershipInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Created (UTC)")
    def created(self, household: Household) -> str:
        return f"{household.created_at:{UTC_FORMAT}}"


admin.site.unregister(User)


@admin.register(User)
class MemberUserAdmin(UserAdmin):
    """Users with the household each belongs to (staff without one show a dash)."""

    list_display = ["email", "household", "role", "is_staff", "is_active", "joined"]
    list_select_related = ["membership__household"]
    list_filter = ["is_staff", "is_active", "membership__role"]
    search_fields = ["email", "membership__household__name"]
    readonly_fields = ["household", "joined", "last_seen"]
    fieldsets = (
        (None, {"fields": ("email", "password", "household")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_seen", "joined")}),
    )

    @staticmethod
    def _membership(user: User) -> Membership | None:
        try:
            return user.membership
        except Membership.DoesNotExist:
            return None

    @admin.display(description="Household", ordering="membership__household__name")
    def household(self, user: User):
        membership = self._membership(user)
        if membership is None:
            return "-"
        url = reverse("admin:households_household_change", args=[membership.household_id])
        return format_html('<a href="{}">{}</a>', url, membership.household.name)

    @admin.display(description="Role", ordering="membership__role")
    def role(self, user: User) -> str:
        membership = self._membership(user)
        return membership.get_role_display() if membership else "-"

    @admin.display(description="Joined (UTC)", ordering="date_joined")
    def joined(self, user: User) -> str:
        return f"{user.date_joined:{UTC_FORMAT}}"

    @admin.display(description="Last login (UTC)")
    def last_seen(self, user: User) -> str:
        return f"{user.last_login:{UTC_FORMAT}}" if user.last_login else "never"
