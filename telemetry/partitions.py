"""Daily partitions of the readings and tick claims: created before they are written, dropped whole.

Raw readings are kept TELEMETRY_RETENTION_DAYS days; a day past that is dropped as a table (no
DELETE, no vacuum debt). The tick claims of a day go with its readings, so the horizon (the
start of the oldest day kept) is recorded: an instant before it can never be ticked again, which
would add its energy to the hourly rollups (kept forever) a second time.

Each process remembers the UTC days whose partitions it has seen committed (`confirmed_days`), so a
warm worker's tick skips partitions_ensure and its catalog round trip (telemetry.services). Only
partitions_maintain drops partitions, and only days older than the retention, which no live tick
writes; it forgets the days it drops, and a failed tick forgets them all (a day dropped by another
process, a database made again), so the retry checks the catalog.
"""

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from psycopg2 import sql

from telemetry.models import RetentionHorizon

PARTITIONED = ("telemetry_reading", "telemetry_tick", "telemetry_reportedsample")
DAYS_AHEAD = 2

confirmed_days: set[date] = set()
"""UTC days whose partitions exist, as this process saw them committed (partitions_ensure)."""


class InstantTooOld(ValueError):
    """The instant lies before the retention horizon: its day's claims were dropped."""


def partition_name(parent: str, day: date) -> str:
    return f"{parent}_p{day:%Y%m%d}"


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def horizon() -> datetime | None:
    row = RetentionHorizon.objects.order_by("-before").first()
    return row.before if row else None


def partitions_ensure(days: Iterable[date]) -> None:
    """Make sure the partitions of these UTC days exist; one catalog look-up when they do.

    Raises InstantTooOld for a day before the retention horizon. The days join `confirmed_days` once
    the caller's transaction commits (at once outside one): partitions made, or seen, in a
    transaction rolled back later were never there.
    """
    wanted = sorted(set(days))
    names = [partition_name(parent, day) for day in wanted for parent in PARTITIONED]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(to_regclass(n)) FROM unnest(%s::text[]) AS n", [[f"public.{n}" for n in names]]
        )
        if cursor.fetchone()[0] == len(names):
            transaction.on_commit(lambda: confirmed_days.update(wanted))
            return
    limit = horizon()
    for day in wanted:
        if limit is not None and _day_start(day + timedelta(days=1)) <= limit:
            raise InstantTooOld(f"{day} is before the retention horizon {limit.isoformat()}")
    for day in wanted:
        for parent in PARTITIONED:
            _partition_create(parent, day)
    transaction.on_commit(lambda: confirmed_days.update(wanted))


def _exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [f"public.{name}"])
        return cursor.fetchone()[0]


def _partition_create(parent: str, day: date) -> None:
    """Create the day's table, then attach it: ATTACH takes a lock that lets reads and writes go on
    (CREATE ... PARTITION OF would wait for every open reader of the parent and stall the writers).
    Two workers racing for the same day: the loser's CREATE fails once the winner's is visible."""
    if _exists(partition_name(parent, day)):
        return
    try:
        _create_and_attach(parent, day)
    except DatabaseError:
        if not _exists(partition_name(parent, day)):
            raise


def _create_and_attach(parent: str, day: date) -> None:
    name = sql.Identifier("public", partition_name(parent, day))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("CREATE TABLE {} (LIKE {} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)").format(
                name, sql.Identifier("public", parent)
            )
        )
        cursor.execute(
            sql.SQL("ALTER TABLE {} ATTACH PARTITION {} FOR VALUES FROM ({}) TO ({})").format(
                sql.Identifier("public", parent),
                name,
                sql.Literal(_day_start(day)),
                sql.Literal(_day_start(day + timedelta(days=1))),
            )
        )


def _existing() -> list[tuple[str, str]]:
    """(parent, partition) for every partition of the partitioned telemetry tables."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.relname, c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace n ON n.oid = p.relnamespace "
            "WHERE n.nspname = 'public' AND p.relname = ANY(%s) ORDER BY c.relname",
            [list(PARTITIONED)],
        )
        return cursor.fetchall()


def partitions_maintain(*, now: datetime | None = None, retention_days: int | None = None) -> list[str]:
    """Create today's and the next days' partitions; drop the days older than the retention.

    Returns the names of the partitions dropped.
    """
    today = (now or datetime.now(UTC)).astimezone(UTC).date()
    days = retention_days if retention_days is not None else settings.TELEMETRY_RETENTION_DAYS
    keep_from = today - timedelta(days=days)
    partitions_ensure(today + timedelta(days=ahead) for ahead in range(DAYS_AHEAD + 1))
    confirmed_days.difference_update([day for day in confirmed_days if day < keep_from])
    dropped = []
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Dropping a partition locks its parent: give up rather than stall the tick (next hour).
            cursor.execute("SET LOCAL lock_timeout = '5s'")
        for parent, name in _existing():
            day = datetime.strptime(name.removeprefix(f"{parent}_p"), "%Y%m%d").date()
            if day < keep_from:
                with connection.cursor() as cursor:
                    cursor.execute(sql.SQL("DROP TABLE {}").format(sql.Identifier("public", name)))
                dropped.append(name)
        current = horizon()
        if dropped and (current is None or current < _day_start(keep_from)):
            RetentionHorizon.objects.update_or_create(pk=1, defaults={"before": _day_start(keep_from)})
    return dropped
