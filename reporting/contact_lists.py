"""The contacts behind one row of a figure: the click-through page and its export share this.

Only the contacts the viewer may open are listed (object permission on each, as everywhere
else); the rest are counted, never named. The export carries the contacts' ids so that taking
the file is logged against each contact it names (ADR 0009).
"""

from dataclasses import dataclass

from django.db.models import QuerySet

from accounts.grants import granted
from accounts.models import User
from referrals.models import Contact, ContactSource, ContactStatus

from . import figures
from .tables import Column, Period, Table


@dataclass(frozen=True)
class ContactList:
    title: str
    label: str
    in_period: bool
    visible: QuerySet[Contact]
    hidden: int


def contact_list(user: User, figure: str, row: str, period: Period) -> ContactList | None:
    """The contacts behind `row` of `figure` that `user` may open, or None for no such figure."""
    found = figures.contacts_behind(figure, row, period)
    if found is None:
        return None
    title, label, contacts = found
    visible = granted(user, "referrals.view_contact", contacts)
    return ContactList(
        title=title,
        label=label,
        in_period=figures.DRILLS[figure].in_period,
        visible=visible.select_related("assigned_team").order_by("-received_at", "-pk"),
        hidden=contacts.count() - visible.count(),
    )


COLUMNS = (
    Column("reference", "Reference"),
    Column("received", "Received"),
    Column("source", "Came in by"),
    Column("referral_source", "Referral source (CIN code)"),
    Column("status", "Status"),
    Column("rag", "RAG rating"),
    Column("team", "Team"),
)


def contact_list_table(
    user: User, figure: str, row: str, period: Period
) -> tuple[Table, list[int]] | None:
    """The list as a table to export (one query), with the ids of the contacts it names."""
    found = contact_list(user, figure, row, period)
    if found is None:
        return None
    sources, statuses = dict(ContactSource.choices), dict(ContactStatus.choices)
    rows, ids = [], []
    for values in found.visible.values(
        "pk", "reference", "received_at", "source", "referral_source", "status", "rag",
        "assigned_team__name",
    ):  # fmt: skip
        ids.append(values["pk"])
        rows.append(
            {
                "reference": values["reference"],
                "received": values["received_at"],
                "source": sources.get(values["source"], values["source"]),
                "referral_source": values["referral_source"],
                "status": statuses.get(values["status"], values["status"]),
                "rag": values["rag"],
                "team": values["assigned_team__name"] or "",
            }
        )
    table = Table(
        key=figure,
        title=f"{found.title}: {found.label}",
        columns=COLUMNS,
        rows=rows,
        caption=f"Contacts behind {found.title.lower()}, {found.label}",
        chart="",
        personal=True,
    )
    return table, ids
