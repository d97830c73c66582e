"""Plans follow what changes them: a device, mode or charge target (devices.signals) at once."""

import logging

from django.dispatch import receiver
from kombu.exceptions import OperationalError

from devices.signals import plan_inputs_changed
from households.models import Household
from planning.tasks import households_plan

logger = logging.getLogger(__name__)


@receiver(plan_inputs_changed, dispatch_uid="planning.plan_inputs_changed")
def household_plan_queue(sender, schema_name: str, **kwargs) -> None:
    """Queue the household's plan; if the broker is away, the beat's check finds it due anyway
    (its devices version moved), so the owner's change never fails for it."""
    household_id = Household.objects.filter(schema_name=schema_name).values_list("pk", flat=True).first()
    if household_id is None:
        return
    try:
        households_plan.delay([household_id])
    except OperationalError:
        logger.warning("Plan of household %s not queued: the broker is unreachable", schema_name)
