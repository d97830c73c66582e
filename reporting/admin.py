"""The operators' fleet view: every household with its latest snapshot, and one home in detail.

The list reads only public tables (households joined to their snapshots, one query for the page
however many homes there are); a household's page reads its own schema for devices and the chart.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html
from django_tenants.utils import schema_context

from devices.models import Device
from households.admin import HouseholdAdmin
from households.models import Household
from households.timezones import local_hour_start
from reporting import selectors
from reporting.buckets import Interval

CHART_HOURS = 24
CHART_WIDTH = 720
CHART_HEIGHT = 200
CHART_MARGIN = 40


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


@dataclass(frozen=True, slots=True)
class ChartBar:
    x: float
    width: float
    produced_y: float
    produced_height: float
    consumed_x: float
    consumed_y: float
    consumed_height: float
    label: str
    title: str


def energy_chart(*, household: Household, now: datetime | None = None) -> dict:
    """Geometry of the last 24 local hours as SVG bars (produced beside consumed), drawn server-side."""
    now = now or timezone.now()
    end = local_hour_start(at=now, zone=household.zoneinfo) + timedelta(hours=1)
    hours = selectors.energy_history(
        household=household,
        start=end - timedelta(hours=CHART_HOURS),
        end=end,
        interval=Interval.HOUR,
        now=now,
    )
    peak = max([bucket.produced_wh for bucket in hours] + [bucket.consumed_wh for bucket in hours] + [1.0])
    plot_height = CHART_HEIGHT - 2 * CHART_MARGIN
    slot = (CHART_WIDTH - 2 * CHART_MARGIN) / CHART_HOURS
    baseline = CHART_HEIGHT - CHART_MARGIN

    def height(wh: float) -> float:
        return round(plot_height * wh / peak, 1)

    bars = []
    for index, bucket in enumerate(hours):
        x = CHART_MARGIN + index * slot
        produced, consumed = height(bucket.produced_wh), height(bucket.consumed_wh)
        bars.append(
            ChartBar(
                x=round(x + 1, 1),
                width=round(slot / 2 - 1, 1),
                produced_y=baseline - produced,
                produced_height=produced,
                consumed_x=round(x + slot / 2, 1),
                consumed_y=baseline - consumed,
                consumed_height=consumed,
                label=bucket.start.strftime("%H:%M") if index % 3 == 0 else "",
                title=(
                    f"{bucket.start:%H:%M}: produced {bucket.produced_wh:,.0f} Wh, "
                    f"consumed {bucket.consumed_wh:,.0f} Wh"
                ),
            )
        )
    return {
        "bars": bars,
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": CHART_MARGIN,
        "right": CHART_WIDTH - CHART_MARGIN,
        "top": CHART_MARGIN,
        "baseline": baseline,
        "label_y": baseline + 16,
        "peak_wh": peak,
        "produced_wh": sum(bucket.produced_wh for bucket in hours),
        "consumed_wh": sum(bucket.consumed_wh for bucket in hours),
    }


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
        "storage_percent",
        "devices",
        "last_tick",
        "status",
    ]
    list_select_related = ["snapshot"]
    list_filter = [StaleFilter, "timezone"]

    @staticmethod
    def _snapshot(household: Household):
        return getattr(household, "snapshot", None)

    @admin.display(description="Produced W", ordering="snapshot__produced_w")
    def produced_w(self, household: Household):
        snapshot = self._snapshot(household)
        return f"{snapshot.produced_w:,.0f}" if snapshot else "-"

    @admin.display(description="Consumed W", ordering="snapshot__consumed_w")
    def consumed_w(self, household: Household):
        snapshot = self._snapshot(household)
        return f"{snapshot.consumed_w:,.0f}" if snapshot else "-"

    @admin.display(description="Net W", ordering="snapshot__net_w")
    def net_w(self, household: Household):
        snapshot = self._snapshot(household)
        if snapshot is None:
            return "-"
        return f"{snapshot.net_w:+,.0f}" if round(snapshot.net_w) else "0"

    @admin.display(description="Storage %")
    def storage_percent(self, household: Household):
        snapshot = self._snapshot(household)
        percent = snapshot.storage_charge_percent if snapshot else None
        return "-" if percent is None else f"{percent:.0f}"

    @admin.display(description="Devices")
    def devices(self, household: Household):
        snapshot = self._snapshot(household)
        return snapshot.devices if snapshot else "-"

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
                devices = list(Device.objects.all())
            extra_context = {
                **(extra_context or {}),
                "household_devices": devices,
                "household_zone": household.timezone,
                "chart": energy_chart(household=household),
            }
        return super().change_view(request, object_id, form_url=form_url, extra_context=extra_context)
