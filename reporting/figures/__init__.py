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

from django.utils import timezone

from referrals.models import Contact
from thresholds.models import CouncilProfile

from ..tables import Period, Section
from .clocks import mash_tables, partner_table, timeliness_section
from .conditions import bounds, contacts_in, repeat_contact_count, with_strangers
from .contacts import (
    contact_groups,
    contacts_section,
    early_help_section,
    police_section,
    re_referral_counts,
    repeats_section,
    workload_section,
)
from .drills import DRILLS, Drill, contacts_behind
from .lanes import Runner, reporting_settings, reporting_transaction

__all__ = ["DRILLS", "Drill", "bounds", "contacts_behind", "contacts_in", "sections_for"]


def sections_for(
    period: Period,
    profile: CouncilProfile,
    *,
    now: dt.datetime | None = None,
    at_once: int | None = None,
) -> list[Section]:
    """Every management information figure for contacts received in `period`, under `profile`
    (which clocks it runs), counted on `at_once` database connections at once as of one
    snapshot where that can be done (default `settings.MI_CONNECTIONS`; `lanes`)."""
    now = now or timezone.now()
    with reporting_transaction(Contact.objects.db, at_once=at_once) as run:
        return _sections(period, profile, now, run)


@contextmanager
def _reporting_settings():
    """The figures' transaction settings (`lanes.reporting_settings`), for a caller's own
    transaction (the benchmark and the plan tests EXPLAIN the figures' queries under them)."""
    reporting_settings(Contact.objects.db)
    yield


def _sections(
    period: Period, profile: CouncilProfile, now: dt.datetime, run: Runner
) -> list[Section]:
    groups, span = contact_groups(period)
    total = sum(g["n"] for g in groups)
    # The figures then read the period's rows by contact id alone, not joined to the contacts.
    span = with_strangers(period, span)
    # Slowest first (a year on the full-size council, benchmarks/README.md): a connection that
    # comes free takes the next, so a long one does not start last and finish alone.
    done = run(
        {
            "timeliness": lambda: timeliness_section(period, profile, now, span),
            "repeats": lambda: repeat_contact_count(period, span),
            "partner": lambda: partner_table(period, now, span),
            "mash": lambda: mash_tables(period, span),
            "re_referrals": lambda: re_referral_counts(period, span),
            "contacts": lambda: contacts_section(period, groups, span),
            "police": lambda: police_section(period, span),
            "early_help": lambda: early_help_section(period, span),
            "workload": lambda: workload_section(period),
        }
    )
    return [
        done["contacts"],
        done["timeliness"],
        Section("mash", "MASH", [*done["mash"], done["partner"]]),
        repeats_section(period, total, done["repeats"], done["re_referrals"]),
        done["police"],
        done["early_help"],
        done["workload"],
    ]
