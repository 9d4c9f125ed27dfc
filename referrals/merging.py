"""Two records of one child made one: everything that points at the duplicate moves to the
record that is kept, and the duplicate stays as a tombstone pointing at it.

Every relation to `Person` in the model graph (in any app) is named in `RELATIONS` with what a
merge does to its rows. A relation not named there makes `person_merge` refuse, and
tests/referrals/test_merge_moves_every_link.py fail, so a new foreign key to Person cannot be
forgotten. History rows (simple-history) are never rewritten: they stay with the record they
were written about, and the tombstone leads to the survivor.
"""

from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from simple_history.models import HistoricalChanges

from accounts.audit import delete_audited, save_audited
from accounts.models import User

from .access import may_person
from .models import Person, PersonMerge, PersonSearchKey
from .search import refresh_search_keys

MOVE = "move"  # point the row at the kept record; a clash with the kept record's rows refuses
MOVE_OR_DROP = "move or drop"  # move, or drop it when the kept record already has the same row
KEEP = "keep"  # stays with the merged-away record on purpose

RELATIONS: dict[str, str] = {
    "referrals.PersonRelationship.person": MOVE_OR_DROP,
    "referrals.PersonRelationship.relative": MOVE_OR_DROP,
    "referrals.HouseholdMember.person": MOVE_OR_DROP,
    "referrals.Involvement.person": MOVE,
    "referrals.ContactPerson.person": MOVE_OR_DROP,
    "referrals.CinEpisode.person": MOVE,
    "referrals.MerlinSubject.person": MOVE_OR_DROP,
    "referrals.PersonUserObjectPermission.content_object": MOVE_OR_DROP,
    "referrals.PersonGroupObjectPermission.content_object": MOVE_OR_DROP,
    # A warning about the child (staff safety, risk to others) follows the child.
    "referrals.PersonWarning.person": MOVE,
    # The old names and address still find the survivor (as inherited keys).
    "referrals.PersonSearchKey.person": MOVE_OR_DROP,
    # Records merged earlier into the duplicate now lead straight to the survivor.
    "referrals.Person.merged_into": MOVE,
    # The merge records say what happened to whom: never rewritten.
    "referrals.PersonMerge.kept": KEEP,
    "referrals.PersonMerge.merged": KEEP,
    "early_help.FamilyWorkCase_children.person": MOVE_OR_DROP,
    "privacy.LegalHold.person": MOVE,
    "privacy.SubjectAccessRequest.person": MOVE,
    "privacy.UnusualAccess.person": MOVE_OR_DROP,
}

# Details the kept record takes from the duplicate when it has none of its own.
FILLABLE = (
    "nhs_number",
    "middle_names",
    "known_as",
    "date_of_birth",
    "first_language",
    "religion",
    "communication_needs",
    "special_needs",
    "school_or_nursery",
    "phone",
    "email",
    "upn",
    "address",
)
# Unique identifiers: the tombstone gives them up to the survivor.
UNIQUE_IDENTIFIERS = ("nhs_number", "upn")


def relation_key(field: models.Field) -> str:
    return f"{field.model._meta.label}.{field.name}"


def person_relations() -> list[models.ForeignKey]:
    """Every foreign key to Person in the model graph, history tables aside."""
    fields = []
    for rel in Person._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and not rel.concrete) or rel.many_to_many:
            continue
        if issubclass(rel.related_model, HistoricalChanges):
            continue
        fields.append(rel.field)
    return sorted(fields, key=relation_key)


# How the merge record names each kind of row (others by their model's name).
KINDS = {
    "referrals.ContactPerson.person": "Named on a contact",
    "referrals.PersonRelationship.person": "Relationship",
    "referrals.PersonRelationship.relative": "Relationship (as the relative)",
    "referrals.HouseholdMember.person": "Household membership",
    "referrals.Involvement.person": "Involvement with a service",
    "referrals.CinEpisode.person": "Children in need census episode",
    "referrals.MerlinSubject.person": "Named on a police MERLIN",
    "referrals.PersonUserObjectPermission.content_object": "A user's access to the record",
    "referrals.PersonGroupObjectPermission.content_object": "A team's access to the record",
    "referrals.Person.merged_into": "A record merged into this one earlier",
    "early_help.FamilyWorkCase_children.person": "Early help family work",
}
# Derived rows the merge moves without listing them one by one.
UNLISTED = {"referrals.PersonSearchKey.person"}


@dataclass
class _Moved:
    rows: list[dict]

    def add(self, field: models.Field, row: models.Model, action: str) -> None:
        key = relation_key(field)
        if key in UNLISTED:
            return
        # Labels and primary keys only: no personal detail is copied into the merge record.
        self.rows.append(
            {
                "kind": KINDS.get(key, field.model._meta.verbose_name.capitalize()),
                "relation": relation_key(field),
                "row": row.pk,
                "what": _describe(row),
                "action": action,
            }
        )


def _describe(row: models.Model) -> str:
    contact = getattr(row, "contact", None)
    if contact is not None and hasattr(contact, "reference"):
        return f"Contact {contact.reference}"
    if isinstance(row, Person):
        return f"Record {row.case_number}"
    if hasattr(row, "household_id"):
        return f"Household {row.household_id}"
    if row._meta.label == "referrals.MerlinSubject":
        return f"MERLIN {row.report.reference}"
    return f"{row._meta.verbose_name.capitalize()} {row.pk}"


def _clashes(row: models.Model) -> bool:
    try:
        row.validate_unique()
        row.validate_constraints()
    except ValidationError:
        return True
    return False


def _move_m2m_row(row: models.Model, field: models.Field, kept: Person, merged: Person, by, why):
    """An automatic many-to-many row: moved through the owner's manager, so its history sees it."""
    through = field.model
    owner_field = next(
        f for f in through._meta.fields if f.is_relation and f.name not in ("id", field.name)
    )
    owner = getattr(row, owner_field.name)
    m2m = next(f for f in owner._meta.many_to_many if f.remote_field.through is through)
    manager = getattr(owner, m2m.name)
    owner._history_user, owner._change_reason = by, why
    manager.remove(merged)
    if manager.filter(pk=kept.pk).exists():
        return "dropped: the kept record already had it"
    manager.add(kept)
    return "moved"


def _move_rows(field, kept: Person, merged: Person, *, by: User, why: str, moved: _Moved) -> None:
    rule = RELATIONS.get(relation_key(field))
    if rule is None:
        raise ImproperlyConfigured(
            f"{relation_key(field)} points at Person but referrals.merging.RELATIONS does not say "
            "what a merge does with it"
        )
    if rule == KEEP:
        return
    rows = list(
        field.model._default_manager.select_for_update()
        .filter(**{field.attname: merged.pk})
        .order_by("pk")
    )
    for row in rows:
        if field.model._meta.auto_created:
            moved.add(field, row, _move_m2m_row(row, field, kept, merged, by, why))
            continue
        setattr(row, field.attname, kept.pk)
        if isinstance(row, PersonSearchKey):
            row.inherited = True
        if _clashes(row):
            if rule == MOVE:
                raise ValidationError(
                    f"Both records have a {field.model._meta.verbose_name} that cannot be combined "
                    f"({_describe(row)}): resolve it before merging."
                )
            setattr(row, field.attname, merged.pk)
            moved.add(field, row, "dropped: the kept record already had it")
            delete_audited(row, user=by, reason=f"{why}: the kept record already had it")
            continue
        moved.add(field, row, "moved")
        save_audited(row, user=by, reason=why)


def _check(kept: Person, merged: Person, by: User) -> None:
    if kept.pk == merged.pk:
        raise ValidationError("Choose two different records.")
    for person in (kept, merged):
        if person.merged_into_id:
            raise ValidationError(
                f"{person.case_number} has already been merged into "
                f"{person.merged_into.case_number}."
            )
        if person.destroyed_at:
            raise ValidationError(f"{person.case_number} has been destroyed.")
    if kept.nhs_number and merged.nhs_number and kept.nhs_number != merged.nhs_number:
        raise ValidationError(
            "The two records have different NHS numbers: they are not the same person."
        )
    if not by.has_perm("referrals.merge_person"):
        raise PermissionDenied(f"{by} may not merge records")
    for person in (kept, merged):
        if not may_person(by, "view_person", person):
            raise PermissionDenied(f"{by} may not see {person.case_number}")


def _take_details(kept: Person, merged: Person) -> list[str]:
    taken = []
    for name in FILLABLE:
        mine, theirs = getattr(kept, name), getattr(merged, name)
        if theirs and not mine:
            setattr(kept, name, theirs)
            taken.append(str(Person._meta.get_field(name).verbose_name).capitalize())
    if kept.date_of_birth:
        kept.expected_date_of_birth = None
    return taken


@transaction.atomic
def person_merge(*, kept: Person, merged: Person, by: User, reason: str) -> PersonMerge:
    """Merge `merged` into `kept`: move every link, keep `merged` as a tombstone, record it all."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter why these records are the same person"})
    # Both rows locked in primary-key order, whichever way round the merge was asked: two merges
    # of one pair wait for each other instead of deadlocking, and the second finds it done.
    locked = {
        p.pk: p
        for p in Person.objects.select_for_update()
        .filter(pk__in=[kept.pk, merged.pk])
        .order_by("pk")
    }
    if len(locked) != 2 and kept.pk != merged.pk:
        raise ValidationError("One of the records no longer exists.")
    kept, merged = locked[kept.pk], locked.get(merged.pk, locked[kept.pk])
    _check(kept, merged, by)
    why = f"Merged {merged.case_number} into {kept.case_number}: {reason}"
    moved = _Moved(rows=[])
    for field in person_relations():
        _move_rows(field, kept, merged, by=by, why=why, moved=moved)
    taken = _take_details(kept, merged)
    for name in UNIQUE_IDENTIFIERS:
        setattr(merged, name, None if name == "nhs_number" else "")
    merged.merged_into = kept
    merged.version += 1
    save_audited(merged, user=by, reason=why)
    kept.version += 1
    kept.full_clean()
    save_audited(kept, user=by, reason=why)
    refresh_search_keys(kept)
    record = PersonMerge(
        kept=kept,
        merged=merged,
        reason=reason,
        merged_by=by,
        merged_at=timezone.now(),
        moved=moved.rows,
        details_taken=taken,
    )
    save_audited(record, user=by, reason=why)
    return record
