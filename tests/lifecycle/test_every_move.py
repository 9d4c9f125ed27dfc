"""Every move in the lifecycle table, with every kind of previous holder: the holder loses
write, and read where ADR 0008 says so; the new holders get what `HOLDS` says; a move the
table does not allow is refused in plain English."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.text import lower_in_sentence
from referrals import lifecycle
from referrals.models import ContactStatus
from tests.factories import UserFactory

from .helpers import (
    can_read,
    can_read_person,
    can_write,
    contact_in,
    holders,
    mover,
    raised_contact,
)

S = ContactStatus
MOVES = [(src, dst) for src, row in lifecycle.MOVES.items() for dst in row]


def _holder_kinds(state: ContactStatus) -> list[str]:
    """Who held a contact in `state` before it moved: always its author, plus `HOLDS`."""
    holds = lifecycle.HOLDS.get(state, lifecycle.Holds())
    kinds = ["author"]
    kinds += ["worker"] if holds.worker else []
    kinds += ["team"] if holds.team else []
    kinds += ["role"] if holds.role else []
    return kinds


CASES = [(src, dst, kind) for src, dst in MOVES for kind in _holder_kinds(src)]


def _user(kind, *, author, before):
    return {
        "author": author,
        "worker": before.worker,
        "team": before.team_member,
        "role": before.role_member,
    }[kind]


def _still_holds(kind, *, src, dst) -> bool:
    """The same worker, team or role is also named by the move's destination."""
    if kind == "role":
        return lifecycle.HOLDS.get(dst, lifecycle.Holds()).role is not None
    return False


def test_the_table_covers_every_status_and_names_only_real_permissions(db):
    from django.contrib.auth.models import Permission

    assert set(lifecycle.MOVES) == set(ContactStatus)
    for row in lifecycle.MOVES.values():
        for perms in row.values():
            for dotted in perms:
                app_label, codename = dotted.split(".")
                assert Permission.objects.filter(
                    content_type__app_label=app_label, codename=codename
                ).exists(), dotted


@pytest.mark.parametrize(("src", "dst", "kind"), CASES, ids=[f"{s}->{d}-{k}" for s, d, k in CASES])
def test_a_move_ends_the_previous_holders_access(havering, src, dst, kind):
    by = mover()
    author = UserFactory(roles=[])
    before, after = holders("before"), holders("after")
    contact, child = contact_in(src, by=by, profile=havering, author=author, held_by=before)
    holder = _user(kind, author=author, before=before)
    if kind != "author" or src == S.DRAFT:
        # Whoever held it before the move could act on it (or, for read-only holds, read it).
        assert can_read(holder, contact)
        assert can_read_person(holder, child)

    lifecycle.contact_move(
        contact=contact,
        to=dst,
        by=by,
        reason="Walking the table",
        team=after.team,
        worker=after.worker,
        profile=havering,
    )

    contact.refresh_from_db()
    assert contact.status == dst
    assert contact.history.first().history_change_reason == "Walking the table"
    assert not can_write(holder, contact)
    keeps_read = kind == "author" or dst in lifecycle.CLOSED or _still_holds(kind, src=src, dst=dst)
    assert can_read(holder, contact) is keeps_read
    assert can_read_person(holder, child) is keeps_read


@pytest.mark.parametrize(("src", "dst"), MOVES, ids=[f"{s}->{d}" for s, d in MOVES])
def test_a_move_gives_the_work_to_its_new_holders(havering, src, dst):
    by = mover()
    before, after = holders("before"), holders("after")
    contact, child = contact_in(src, by=by, profile=havering, author=by, held_by=before)

    lifecycle.contact_move(
        contact=contact,
        to=dst,
        by=by,
        reason="Moved",
        team=after.team,
        worker=after.worker,
        profile=havering,
    )

    holds = lifecycle.HOLDS.get(dst, lifecycle.Holds())
    write = lifecycle.Access.WRITE
    assert can_read(after.worker, contact) is (holds.worker is not None)
    assert can_write(after.worker, contact) is (holds.worker == write)
    assert can_read(after.team_member, contact) is (holds.team is not None)
    assert can_write(after.team_member, contact) is (holds.team == write)
    assert can_read_person(after.team_member, child) is (holds.team is not None)
    # On a closing move the last role holding it keeps read (ADR 0008).
    closing_keeps = dst in lifecycle.CLOSED and lifecycle.HOLDS.get(src, holds).role is not None
    assert can_read(after.role_member, contact) is (holds.role is not None or closing_keeps)


REFUSED = [
    (
        src,
        next(s for s in ContactStatus if s not in lifecycle.MOVES[src] and s not in (S.DRAFT, src)),
    )
    for src in ContactStatus
]


@pytest.mark.parametrize(("src", "dst"), REFUSED, ids=[f"{s}->{d}" for s, d in REFUSED])
def test_a_move_the_table_does_not_allow_is_refused_in_plain_english(havering, src, dst):
    by = mover()
    contact, _ = contact_in(src, by=by, profile=havering, author=by, held_by=holders("h"))

    with pytest.raises(ValidationError) as refused:
        lifecycle.contact_move(contact=contact, to=dst, by=by, reason="No", profile=havering)

    message = refused.value.messages[0]
    assert message.startswith(f"This contact is {lower_in_sentence(src.label)}")
    assert lower_in_sentence(dst.label) in message
    contact.refresh_from_db()
    assert contact.status == src


def test_a_mover_without_the_tables_permission_is_refused(havering):
    author = UserFactory(roles=[])
    contact, _ = raised_contact(author=author)
    stranger = UserFactory(roles=[])

    with pytest.raises(PermissionDenied):
        lifecycle.contact_move(
            contact=contact, to=S.SUBMITTED, by=stranger, reason="No", profile=havering
        )

    contact.refresh_from_db()
    assert contact.status == S.DRAFT
