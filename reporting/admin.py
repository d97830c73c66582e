"""The operators' fleet view: every household with its latest snapshot, and one home in detail.

The list reads only public tables (households joined to their snapshots, one query for the page
however many homes there are); a household's page reads its own schema for devices and the chart.
"""

from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html
from django_tenants.utils import schema_context

from devices.models import Device
from households.admin import HouseholdAdmin
from households.models import Household
from planning import charts as plan_charts
from reporting import charts, selectors
from tariffs import selectors as tariff_selectors
from telemetry import selectors as telemetry_selectors


class StaleFilter(admin.SimpleListFilter):
    title = "telemetry"
    parameter_name = "stale"

    def lookups(self, request, model_admin):
        return [("yes", "Stale or never ticked"), ("no", "Live")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(selectors.stale_households_q())
        if self.value() == "no":
            return queryset.filter(snapshot__at__gte=selectors.stale_before())
        return queryset


admin.site.unregister(Household)


@admin.register(Household)
class FleetHouseholdAdmin(HouseholdAdmin):
    """The household list with each home's latest tick; a household's page adds its devices and chart."""

    list_display = [
        "name",
        "timezone",
        "produced_w",
        "consumed_w",
        "net_w",
        "solar_w",
        "storage_percent",
        "devices",
        "cost_today",
        "last_tick",
        "status",
    ]
    list_select_related = ["snapshot"]
    list_filter = [StaleFilter, "timezone"]

    @staticmethod
    def _snapshot(household: Household):
        return getattr(household, "snapshot", None)

    def _watts(self, household: Household, column: str) -> str:
        snapshot = self._snapshot(household)
        return f"{getattr(snapshot, column):,.0f}" if snapshot else "-"

    @admin.display(description="Produced W", ordering="snapshot__produced_w")
    def produced_w(self, household: Household):
        return self._watts(household, "produced_w")

    @admin.display(description="Consumed W", ordering="snapshot__consumed_w")
    def consumed_w(self, household: Household):
        return self._watts(household, "consumed_w")

    @admin.display(description="Net W", ordering="snapshot__net_w")
    def net_w(self, household: Household):
        snapshot = self._snapshot(household)
        if snapshot is None:
            return "-"
        return f"{snapshot.net_w:+,.0f}" if round(snapshot.net_w) else "0"

    @admin.display(description="Solar W", ordering="snapshot__solar_w")
    def solar_w(self, household: Household):
        return self._watts(household, "solar_w")

    @admin.display(description="Storage %")
    def storage_percent(self, household: Household):
        snapshot = self._snapshot(household)
        percent = snapshot.storage_charge_percent if snapshot else None
        return "-" if percent is None else f"{percent:.0f}"

    @admin.display(description="Devices")
    def devices(self, household: Household):
        """How many devices, and how many of them the home's gateway feeds (REPORTED, never simulated)."""
        snapshot = self._snapshot(household)
        if snapshot is None:
            return "-"
        return (
            f"{snapshot.devices} ({snapshot.reported_devices} reported)"
            if snapshot.reported_devices
            else snapshot.devices
        )

    @admin.display(description="Net cost today")
    def cost_today(self, household: Household):
        """Import cost minus export revenue since the home's local midnight (its snapshot)."""
        snapshot = self._snapshot(household)
        if snapshot is None or snapshot.cost_day != timezone.now().astimezone(household.zoneinfo).date():
            return "-"
        return f"{snapshot.import_cost_today - snapshot.export_revenue_today:,.2f} {snapshot.currency}"

    @admin.display(description="Last tick (UTC)", ordering="snapshot__at")
    def last_tick(self, household: Household):
        snapshot = self._snapshot(household)
        return f"{snapshot.at:%Y-%m-%d %H:%M}" if snapshot and snapshot.at else "never"

    @admin.display(description="Telemetry")
    def status(self, household: Household):
        if selectors.snapshot_is_stale(snapshot=self._snapshot(household)):
            return format_html('<strong style="color: var(--error-fg)">{}</strong>', "stale")
        return "live"

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "fleet": selectors.fleet_totals()}
        return super().changelist_view(request, extra_context=extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        household = self.get_object(request, object_id)
        if household is not None:
            with schema_context(household.schema_name):
                devices = telemetry_selectors.devices_with_live_state(Device.objects.all())
            extra_context = {
                **(extra_context or {}),
                "household_devices": devices,
                "household_zone": household.timezone,
                "chart": charts.energy_chart(household=household),
                "today": charts.flows_today(household=household),
                "tariff": tariff_selectors.tariff_current(household).terms,
                "prices_tomorrow": charts.price_curve_tomorrow(household=household),
                "plan_chart": plan_charts.plan_chart(household=household),
            }
        return super().change_view(request, object_id, form_url=form_url, extra_context=extra_context)
