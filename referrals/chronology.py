"""A person's chronology: one timeline of everything the service knows about them, newest first.

`referrals` sits below `mash` and `early_help` (docs/adr/0010-layers.md), so the timeline is
gathered through a registry, like referrals/extensions.py: each app registers a source for
each kind of entry it owns in its `AppConfig.ready()`, and the source answers only with the
records the viewer may open, checked with that app's own access helpers (a partner or an early
help worker never gets a MASH entry). A source costs a fixed number of queries however many
entries it returns, and returns at most `limit` of them, newest first: merging the sources and
cutting at `limit` gives the right page without reading a long history whole.

A source reads its own table alone wherever it can: a contact's reference comes from the scope
(`Scope.references`, read with the contact ids) and who did it from `Entry.by_id`, named for
the entries shown in one query at the end (`_named`), rather than each source joining the
contact and its users: the joins cost more to compile, plan and load than the rows they named.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import cached_property

from django.db.models import Q, QuerySet

from accounts.models import User
from core.db import which_exist
from core.urls import reverse_pk

from .models import ContactStatus, Person
from .selectors import contacts_visible_to


@dataclass(frozen=True)
class Entry:
    """One line of the chronology: what happened, when, by whom, and the record it is on.
    `by_id`: the user who did it, for `chronology()` to name in `by` (a source gives `by`
    itself only for someone who is not a user, a MERLIN report's decision maker)."""

    at: dt.datetime
    kind: str
    title: str
    url: str
    detail: str = ""
    by: str = ""
    by_id: int | None = None


class Scope:
    """Whose chronology, for whom: what every source needs, worked out once per timeline.

    `contacts` is the ids of the person's contacts the viewer may open (drafts and destroyed
    contacts are no history), read in one query the first time anything asks: every source of
    entries on a contact filters by it, instead of each re-deriving the viewer's grants. The
    person page shares the same read (`visible`, destroyed contacts included) for its lists."""

    def __init__(self, *, user: User, person: Person):
        self.user = user
        self.person = person

    @cached_property
    def _rows(self) -> list[tuple[int, bool, str]]:
        return list(
            contacts_visible_to(self.user)
            .filter(contact_people__person=self.person)
            .exclude(status=ContactStatus.DRAFT)
            .order_by()
            .values_list("pk", Q(destroyed_at__isnull=False), "reference")
            .distinct()
        )

    @cached_property
    def contacts(self) -> list[int]:
        return [pk for pk, destroyed, _ in self._rows if not destroyed]

    @cached_property
    def references(self) -> dict[int, str]:
        """Each of `contacts`' reference by its id: what an entry on one shows of it."""
        return {pk: reference for pk, destroyed, reference in self._rows if not destroyed}

    @cached_property
    def visible(self) -> set[int]:
        """Every submitted contact about the person the viewer may open."""
        return {pk for pk, _, _ in self._rows}

    @cached_property
    def warnings(self) -> list:
        """Every warning on the person, newest first: the person page's list and the
        chronology's warning entries read them once (whoever may open the person sees them).
        Their users are not joined: an entry names its user by id (`Entry.by_id`) and the
        person page's lists show none (four users joined were 77 columns to compile)."""
        return list(self.person.warnings.order_by("-proposed_at"))


# source(*, scope, limit) -> at most `limit` entries the viewer may open, newest first.
Source = Callable[..., list[Entry]]


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    order: int


# present(contact_ids) -> a queryset that has a row whenever the source has an entry on those
# contacts (it may have rows when the source has none to show, never the other way round); it
# may refer to the person with OuterRef("pk"), for a source of the person's own records.
Present = Callable[[list[int]], QuerySet]

_kinds: dict[str, Kind] = {}
_sources: dict[str, list[Source]] = {}
_present: dict[Source, Present] = {}


def source_register(
    kind: str, label: str, source: Source, *, order: int = 50, present: Present | None = None
) -> None:
    """Add a source of entries of one kind (registering the same source twice is harmless).
    With `present`, a timeline asks first, in one query for every such source, which of them
    have anything on the person's contacts, and asks only those for their entries: most
    children have no MERLIN report, notice, discussion or early help decision."""
    _kinds.setdefault(kind, Kind(kind, label, order))
    sources = _sources.setdefault(kind, [])
    if source not in sources:
        sources.append(source)
    if present is not None:
        _present[source] = present


def _absent(sources: list[Source], scope: Scope) -> set[Source]:
    """The sources among `sources` with nothing on the scope's contacts (one query; none when
    fewer than two could be skipped, where asking costs as much as reading)."""
    gated = [source for source in sources if source in _present]
    if len(gated) < 2 or not scope.contacts:
        return set()
    present = which_exist(
        Person.objects.filter(pk=scope.person.pk),
        {i: _present[source](scope.contacts) for i, source in enumerate(gated)},
    )
    return {source for i, source in enumerate(gated) if i not in present}


def kinds() -> list[Kind]:
    """Every kind of entry, in the order the filter lists them."""
    return sorted(_kinds.values(), key=lambda k: (k.order, k.label))


def label_of(kind: str) -> str:
    return _kinds[kind].label if kind in _kinds else kind


def chronology(
    *,
    user: User,
    person: Person,
    kinds: Iterable[str] | None = None,
    limit: int,
    scope: Scope | None = None,
) -> list[Entry]:
    """The newest `limit` entries about the person the user may open, of the chosen kinds
    (`scope`: one the caller already has for this user and person, to share its reads)."""
    wanted = set(kinds or ()) or set(_sources)
    scope = scope or Scope(user=user, person=person)
    sources = [source for kind, some in _sources.items() if kind in wanted for source in some]
    absent = _absent(sources, scope)
    entries: list[Entry] = []
    for source in sources:
        if source not in absent:
            entries.extend(source(scope=scope, limit=limit))
    entries.sort(key=lambda e: e.at, reverse=True)
    return _named(entries[:limit])


def _named(entries: list[Entry]) -> list[Entry]:
    """The entries with who did each named (`str(user)`), the users read in one query."""
    ids = {e.by_id for e in entries if e.by_id is not None}
    if not ids:
        return entries
    names = {
        user.pk: str(user)
        for user in User.objects.filter(pk__in=ids)
        .order_by()
        .only("first_name", "last_name", "username")
    }
    return [e if e.by_id is None else replace(e, by=names.get(e.by_id, "")) for e in entries]


def contact_url(pk: int) -> str:
    """A contact's page (`Contact.get_absolute_url` without the contact)."""
    return reverse_pk("referrals:contact_detail", pk)


def named(user_field: str) -> tuple[str, ...]:
    """What an entry shows of a user (`str(user)`), for a source's `.only()`: a timeline row
    needs a name, not the whole user (or the whole contact: sources load only what they show)."""
    return tuple(f"{user_field}__{f}" for f in ("first_name", "last_name", "username"))


def beyond_reference(contact_path: str) -> tuple[str, ...]:
    """For a source's `.defer()`: every field of the contact at `contact_path` but its id and
    reference, which is all an entry shows of it (a contact row is wide: its concerns, the
    referrer's details, its version...)."""
    from .models import Contact

    return tuple(
        f"{contact_path}__{f.name}"
        for f in Contact._meta.concrete_fields
        if f.name not in ("id", "reference")
    )


def short(text: str, length: int = 200) -> str:
    """A one-line extract of a long text for the timeline (the record has the whole)."""
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
