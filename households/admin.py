"""Households in admin: created by sign-up (which provisions the schema), never added or deleted here.

reporting.admin extends this list with each household's latest tick (the operators' fleet view).
"""

from django.contrib import admin

from households.models import Household, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]
    readonly_fields = ["created_at"]


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ["name", "timezone"]
    list_filter = ["timezone"]
    search_fields = ["name"]
    show_full_result_count = False
    fields = ["name", "timezone", "schema_name", "created_at"]
    readonly_fields = ["timezone", "schema_name", "created_at"]
    inlines = [MembershipInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
