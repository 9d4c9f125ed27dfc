"""Contact figures: sources, outcomes, conversion, repeats, MERLINs, early help, workload."""

from django.db.models import (
    Case,
    Count,
    Max,
    Min,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from accounts.models import Team
from core.enums import Rag
from early_help.models import CaseStatus, EarlyHelpDecision, FamilyWorkCase, PanelCase
from early_help.models import Outcome as EarlyHelpOutcome
from mash.models import (
    Enquiry,
    EnquiryStatus,
)
from referrals.models import (
    COUNTED_EPISODE,
    CinEpisode,
    Contact,
    ContactSource,
    ContactStatus,
    MerlinReport,
    ReferralSource,
)

from ..tables import Column, Period, Section, Table
from .build import _counted, _grouped, _link, _percent
from .conditions import (
    INFORMATION_AND_ADVICE,
    INFORMATION_ONLY,
    NFA,
    NONE,
    OPEN_CONTACT_STATUSES,
    Span,
    _earlier_episode,
    contacts_in,
    early_help_decided,
    referred,
    with_enquiry,
)

# --- Contacts ---------------------------------------------------------------------------


def contact_groups(period: Period) -> tuple[list[dict], Span]:
    """One pass over the period's contacts: how many of each source, referral source and status
    (the groups are few), and the span of their ids, which the other figures read by."""
    groups = list(
        contacts_in(period)
        .order_by()
        .values("source", "referral_source", "status")
        .annotate(n=Count("pk"), first=Min("pk"), last=Max("pk"))
    )
    return groups, Span.of([g["first"] for g in groups], [g["last"] for g in groups])


def contacts_section(period: Period, groups: list[dict], span: Span) -> Section:
    contacts = contacts_in(period)
    total = sum(g["n"] for g in groups)

    def summed(field: str) -> dict:
        out: dict = {}
        for g in groups:
            out[g[field]] = out.get(g[field], 0) + g["n"]
        return out

    by_source = _counted(
        key="contacts_by_source",
        title="Contacts by how they arrived",
        caption=f"Contacts received {period}, by the way they came in",
        label="Came in by",
        counts=summed("source"),
        labels=dict(ContactSource.choices),
        period=period,
        total=total,
    )
    referral_sources = {**dict(ReferralSource.choices), "": "Not recorded"}
    by_referral_source = _counted(
        key="contacts_by_referral_source",
        title="Contacts by referral source (CIN census code)",
        caption=f"Contacts received {period}, by who made them (CIN census referral source)",
        label="Referral source",
        counts=summed("referral_source"),
        labels={
            code: (f"{code}: {label}" if code else label)
            for code, label in referral_sources.items()
        },
        period=period,
        total=total,
        keep_zero=False,
    )
    by_outcome = _counted(
        key="contacts_by_outcome",
        title="Contacts by where they are now",
        caption=f"Contacts received {period}, by their status today",
        label="Status",
        counts=summed("status"),
        labels={k: v for k, v in ContactStatus.choices if k != ContactStatus.DRAFT},
        period=period,
        total=total,
        keep_zero=False,
    )
    steps = conversion_steps(span)
    counted = contacts.aggregate(
        **{code: Count("pk", filter=condition) for code, (_, condition) in steps.items()}
    )
    rows, links = [], {}
    for code, (label, _) in steps.items():
        if counted[code]:
            links[len(rows)] = _link("conversion", code, period)
        rows.append(
            {"label": label, "count": counted[code], "percent": _percent(counted[code], total)}
        )
    conversion = Table(
        key="conversion",
        title="What contacts became",
        caption=f"Contacts received {period} that went on to each step (a contact can take more than one)",
        columns=(
            Column("label", "Step"),
            Column("count", "Contacts", numeric=True),
            Column("percent", "% of contacts", numeric=True),
        ),
        rows=rows,
        label_key="label",
        value_key="count",
        links=links,
    )
    return Section("contacts", "Contacts", [by_source, by_referral_source, by_outcome, conversion])


CONVERSION_LABELS = (
    ("all", "All contacts"),
    ("referral", "Referred to a social work team"),
    ("mash", "MASH enquiry"),
    ("early_help", "Early help referral decision"),
    ("information_and_advice", "Provision of information and advice"),
    ("nfa", "Closed: no further action"),
    ("information_only", "Closed: information only"),
)


def conversion_steps(span: Span) -> dict[str, tuple[str, Q]]:
    conditions = {
        "all": Q(),
        "referral": referred(span),
        "mash": with_enquiry(span),
        "early_help": early_help_decided(span),
        "information_and_advice": INFORMATION_AND_ADVICE,
        "nfa": NFA,
        "information_only": INFORMATION_ONLY,
    }
    return {code: (label, conditions[code]) for code, label in CONVERSION_LABELS}


# --- Repeats, police, early help, workload ----------------------------------------------


def re_referral_counts(period: Period, span: Span) -> dict[str, int]:
    """One pass over the episodes of the period's contacts for both re-referral figures: the
    contacts with an episode that had an earlier one (what `re_referral` lists) are counted
    from the same rows as the episodes themselves.

    Grouped by contact first, so each episode's look for an earlier one is made once: counted
    in one SELECT, the look was written into each of the two counts that use it, and
    PostgreSQL made it twice (39,000 probes of the child's episodes each, a year on the
    full-size council)."""
    per_contact = (
        CinEpisode.objects.filter(COUNTED_EPISODE, span.within(period, "referral__contact_id"))
        .order_by()
        .values("referral__contact_id")
        .annotate(n_episodes=Count("pk"), n_again=Count("pk", filter=_earlier_episode()))
    )
    counted = per_contact.aggregate(
        referred=Coalesce(Sum("n_episodes"), 0),
        again=Coalesce(Sum("n_again"), 0),
        re_referral=Coalesce(Sum(Case(When(n_again__gt=0, then=Value(1)), default=Value(0))), 0),
    )
    return {name: int(value) for name, value in counted.items()}


def repeats_section(period: Period, total: int, repeat: int, children: dict[str, int]) -> Section:
    """`total`: the period's contacts (counted once, by `contact_groups`); `repeat`: how many of
    them are repeats (`repeat_contact_count`); `children`: `re_referral_counts`."""
    counted = {"all": total, "repeat": repeat, "re_referral": children["re_referral"]}
    rows = [
        {
            "label": "Contacts received",
            "count": counted["all"],
            "percent": _percent(counted["all"], counted["all"]),
        },
        {
            "label": "Repeat contacts: a child on it had another contact in the 12 months before",
            "count": counted["repeat"],
            "percent": _percent(counted["repeat"], counted["all"]),
        },
        {
            "label": "Re-referrals: a child on it was referred within 12 months of an earlier referral",
            "count": counted["re_referral"],
            "percent": _percent(counted["re_referral"], counted["all"]),
        },
    ]
    links = {}
    for i, code in enumerate(("all", "repeat", "re_referral")):
        if rows[i]["count"]:
            links[i] = _link("repeats", code, period)
    contacts_table = Table(
        key="repeats",
        title="Repeat contacts and re-referrals",
        caption=f"Contacts received {period} about children already seen in the 12 months before",
        columns=(
            Column("label", "Contacts"),
            Column("count", "Contacts", numeric=True),
            Column("percent", "% of contacts", numeric=True),
        ),
        rows=rows,
        label_key="label",
        value_key="count",
        links=links,
    )
    child_rows = [
        {
            "label": "Children referred to social care (CIN referrals)",
            "count": children["referred"],
            "percent": _percent(children["referred"], children["referred"]),
        },
        {
            "label": "Of whom referred again within 12 months of an earlier referral",
            "count": children["again"],
            "percent": _percent(children["again"], children["referred"]),
        },
    ]
    children_table = Table(
        key="re_referral_children",
        title="Re-referrals of children (CIN census count)",
        caption=f"Children referred to social care from contacts received {period}, and how many had been referred in the 12 months before",
        columns=(
            Column("label", "Children"),
            Column("count", "Children", numeric=True),
            Column("percent", "% of children referred", numeric=True),
        ),
        rows=child_rows,
        label_key="label",
        value_key="count",
    )
    return Section("repeats", "Repeat contacts and re-referrals", [contacts_table, children_table])


def police_section(period: Period, span: Span) -> Section:
    merlins = MerlinReport.objects.filter(span.within(period, "contact_id"))
    table = _counted(
        key="merlin",
        title="Police MERLIN reports by police RAG rating",
        caption=f"MERLIN reports whose contacts were received {period}, by the rating the police gave",
        label="Police RAG rating",
        counts=_grouped(merlins, "police_rag"),
        labels=dict(Rag.choices),
        period=period,
    )
    return Section("police", "Police MERLIN reports", [table])


def early_help_section(period: Period, span: Span) -> Section:
    decisions = EarlyHelpDecision.objects.filter(span.within(period, "contact_id"))
    decided = _counted(
        key="early_help",
        title="Early help referral decisions by outcome",
        caption=f"Early help referral decisions on contacts received {period}",
        label="Decision",
        counts=_grouped(decisions, "outcome"),
        labels=dict(EarlyHelpOutcome.choices),
        period=period,
        keep_zero=False,
    )
    panel_cases = PanelCase.objects.filter(span.within(period, "contact_id"))
    panel = _counted(
        key="panel",
        title="Early Help Panel decisions",
        caption=f"Cases from contacts received {period} put to the Early Help Panel, by the panel's decision",
        label="Panel decision",
        counts=_grouped(panel_cases, "decision"),
        labels={**dict(EarlyHelpOutcome.choices), "": "Awaiting the panel's decision"},
        period=period,
        keep_zero=False,
    )
    return Section("early_help", "Early help", [decided, panel])


def workload_section(period: Period) -> Section:
    """What each team holds now (whatever the period): open contacts, enquiries, family work."""
    contacts = _grouped(Contact.objects.filter(status__in=OPEN_CONTACT_STATUSES), "assigned_team")
    enquiries = _grouped(Enquiry.objects.exclude(status=EnquiryStatus.DECIDED), "worker__team")
    cases = _grouped(FamilyWorkCase.objects.filter(status=CaseStatus.OPEN), "team")
    keys = set(contacts) | set(enquiries) | set(cases)
    names = dict(Team.objects.filter(pk__in=[k for k in keys if k]).values_list("pk", "name"))
    rows, links = [], {}
    for key in sorted(keys, key=lambda k: (k is None, names.get(k, ""))):
        row = {
            "label": names.get(key, "No team"),
            "contacts": contacts.get(key, 0),
            "enquiries": enquiries.get(key, 0),
            "cases": cases.get(key, 0),
        }
        row["total"] = row["contacts"] + row["enquiries"] + row["cases"]
        if row["contacts"]:
            links[len(rows)] = _link("workload", key if key is not None else NONE, period)
        rows.append(row)
    table = Table(
        key="workload",
        title="Workload per team now",
        caption="Open work each team holds today, whatever the period: contacts still with the front door or passed to the team, open MASH enquiries (by the worker's team) and open family work cases. Each team links to its open contacts.",
        columns=(
            Column("label", "Team"),
            Column("contacts", "Open contacts", numeric=True),
            Column("enquiries", "Open MASH enquiries", numeric=True),
            Column("cases", "Open family work cases", numeric=True),
            Column("total", "Total", numeric=True),
        ),
        rows=rows,
        label_key="label",
        value_key="total",
        links=links,
    )
    return Section("workload", "Workload", [table])
