"""The management information figures for a period (issue 10): every one a `Table`.

Every figure counts the contacts *received in the period* (drafts never count) and what
became of them: their clocks, MASH enquiries, early help decisions, MERLINs and referrals, so
the numbers of one period always add up to the same contacts. The one exception is workload,
which is what each team holds now. All counting is done by the database (GROUP BY, filtered
COUNTs, percentiles: reporting.stats); Python only shapes the few aggregated rows.

A figure row whose contacts can be listed carries a link to the click-through page
(`reporting:contacts`), and `DRILLS` holds, per figure key, how to label a row and filter the
contacts behind it, the same conditions the figure counted with.
"""

import datetime as dt
from contextlib import contextmanager

from django.db import connection, transaction
from django.utils import timezone

from referrals.models import Contact
from thresholds.models import CouncilProfile

from ..tables import Period, Section
from .clocks import mash_section, timeliness_section
from .conditions import bounds, contacts_in
from .contacts import (
    contact_groups,
    contacts_section,
    early_help_section,
    police_section,
    repeats_section,
    workload_section,
)
from .drills import DRILLS, Drill, contacts_behind

__all__ = ["DRILLS", "Drill", "bounds", "contacts_behind", "contacts_in", "sections_for"]


def sections_for(
    period: Period, profile: CouncilProfile, *, now: dt.datetime | None = None
) -> list[Section]:
    """Every management information figure for contacts received in `period`, under `profile`
    (which clocks it runs)."""
    now = now or timezone.now()
    with transaction.atomic(using=Contact.objects.db), _reporting_settings():
        return _sections(period, profile, now)


@contextmanager
def _reporting_settings():
    """PostgreSQL settings for this transaction's aggregates: sorts of a year's clocks fit in
    memory (work_mem), and no JIT compilation, which costs more than these queries take
    (benchmarks/mi_benchmark.py measured a third of a second of it on one query)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '64MB'")
    yield


def _sections(period: Period, profile: CouncilProfile, now: dt.datetime) -> list[Section]:
    groups, span = contact_groups(period)
    return [
        contacts_section(period, groups, span),
        timeliness_section(period, profile, now, span),
        mash_section(period, now, span),
        repeats_section(period, span),
        police_section(period, span),
        early_help_section(period, span),
        workload_section(period),
    ]
