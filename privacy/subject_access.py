"""Subject access requests: open, verify, extend, redact, produce, complete or refuse.

Every change is one locked, audited service; views, tasks and tests all come through here.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.audit import delete_audited, save_audited
from accounts.models import User
from referrals.models import Person

from . import dates
from .models import (
    SAR_OPEN_STATUSES,
    Disclosure,
    DisclosureStatus,
    HoldReason,
    Redaction,
    Requester,
    SarStatus,
    SubjectAccessRequest,
)
from .services import hold_lift, hold_place

HANDLE = "privacy.handle_subject_access"


def require_handler(user: User) -> None:
    if not user.has_perm(HANDLE):
        raise PermissionDenied(f"{user} may not handle subject access requests")


def _locked(request: SubjectAccessRequest) -> SubjectAccessRequest:
    return SubjectAccessRequest.objects.select_for_update().get(pk=request.pk)


def _require_open(request: SubjectAccessRequest) -> None:
    if request.status not in SAR_OPEN_STATUSES:
        raise ValidationError("This request has been closed.")


@transaction.atomic
def sar_open(
    *,
    person: Person,
    requester_name: str,
    requester: str,
    requester_relationship: str = "",
    received_on: dt.date,
    by: User,
) -> SubjectAccessRequest:
    """Record a request and start its clock; a legal hold keeps the person's records meanwhile."""
    require_handler(by)
    errors = {}
    if not (requester_name or "").strip():
        errors["requester_name"] = "Enter the name of the person asking"
    if requester not in Requester.values:
        errors["requester"] = "Select who is asking"
    elif requester != Requester.SUBJECT and not (requester_relationship or "").strip():
        errors["requester_relationship"] = "Say how the person asking is related to them"
    if received_on > timezone.localdate():
        errors["received_on"] = "The date received must be today or in the past"
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    request = SubjectAccessRequest(
        person=person,
        requester_name=requester_name.strip(),
        requester=requester,
        requester_relationship=(requester_relationship or "").strip(),
        received_on=received_on,
        due_on=dates.due_date(received_on),
        opened_by=by,
        opened_at=now,
    )
    save_audited(request, user=by, reason="Subject access request received")
    request.hold = hold_place(
        person=person,
        reason=HoldReason.SUBJECT_ACCESS,
        details=f"Subject access request {request.reference} received {received_on:%d %B %Y}",
        by=by,
    )
    save_audited(request, user=by, reason="Legal hold placed while the request is open")
    return request


@transaction.atomic
def sar_verify_identity(
    *, request: SubjectAccessRequest, evidence: str, by: User
) -> SubjectAccessRequest:
    """Record that the requester's identity (and authority, for a parent or representative) was checked."""
    require_handler(by)
    locked = _locked(request)
    _require_open(locked)
    if not (evidence or "").strip():
        raise ValidationError({"evidence": "Say how identity was checked"})
    locked.identity_evidence = evidence.strip()
    locked.identity_verified_by = by
    locked.identity_verified_at = timezone.now()
    save_audited(locked, user=by, reason="Identity verified")
    return locked


@transaction.atomic
def sar_extend(
    *, request: SubjectAccessRequest, months: int, reason: str, by: User
) -> SubjectAccessRequest:
    """Extend the time limit by up to two further months (complex or numerous requests)."""
    require_handler(by)
    locked = _locked(request)
    _require_open(locked)
    if months not in range(1, dates.MAX_EXTENSION_MONTHS + 1):
        raise ValidationError({"months": "An extension is one or two further months"})
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why the request needs more time"})
    new_due = dates.due_date(locked.received_on, 1 + months)
    if new_due <= locked.current_due_on:
        raise ValidationError({"months": "The request is already extended to that date or later"})
    locked.extended_due_on = new_due
    locked.extension_reason = reason.strip()
    locked.status = SarStatus.EXTENDED
    save_audited(locked, user=by, reason=f"Extended by {months} month{'s' if months > 1 else ''}")
    return locked


def _close(
    request: SubjectAccessRequest, *, status: str, reason: str, by: User
) -> SubjectAccessRequest:
    locked = _locked(request)
    _require_open(locked)
    locked.status = status
    locked.closed_by = by
    locked.closed_at = timezone.now()
    if status == SarStatus.REFUSED:
        locked.refusal_reason = reason
    save_audited(locked, user=by, reason=reason or SarStatus(status).label)
    if locked.hold_id and locked.hold.in_force:
        hold_lift(
            hold=locked.hold, reason=f"Subject access request {locked.reference} closed", by=by
        )
    return locked


@transaction.atomic
def sar_complete(*, request: SubjectAccessRequest, by: User) -> SubjectAccessRequest:
    """Record that the response was sent; the request's legal hold is lifted."""
    require_handler(by)
    locked = _locked(request)
    _require_open(locked)
    if not locked.is_verified:
        raise ValidationError("Verify the requester's identity before completing the request.")
    if not locked.disclosures.filter(
        status__in=(DisclosureStatus.READY, DisclosureStatus.EXPIRED)
    ).exists():
        raise ValidationError("Produce the download before completing the request.")
    return _close(locked, status=SarStatus.COMPLETED, reason="Response sent", by=by)


@transaction.atomic
def sar_refuse(*, request: SubjectAccessRequest, reason: str, by: User) -> SubjectAccessRequest:
    """Refuse a request (manifestly unfounded or excessive), with the reason; the hold is lifted."""
    require_handler(by)
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why the request is refused"})
    return _close(request, status=SarStatus.REFUSED, reason=f"Refused: {reason.strip()}", by=by)


@transaction.atomic
def sar_set_redactions(
    *, request: SubjectAccessRequest, chosen: dict[str, tuple[str, str]], by: User
) -> list[Redaction]:
    """Make the request's redactions exactly `chosen` (item key -> (label, reason))."""
    require_handler(by)
    locked = _locked(request)
    _require_open(locked)
    missing = {
        key: "Say why this is redacted" for key, (_, why) in chosen.items() if not why.strip()
    }
    if missing:
        raise ValidationError(missing)
    now = timezone.now()
    current = {r.item: r for r in Redaction.objects.select_for_update().filter(request=locked)}
    for key, row in current.items():
        if key not in chosen:
            delete_audited(row, user=by, reason="Redaction removed")
    for key, (label, why) in chosen.items():
        row = current.get(key)
        if row is not None and row.reason == why.strip():
            continue
        row = row or Redaction(request=locked, item=key)
        row.label, row.reason = label[:200], why.strip()
        row.decided_by, row.decided_at = by, now
        save_audited(row, user=by, reason="Redaction decided")
    return list(locked.redactions.all())


@transaction.atomic
def disclosure_request(*, request: SubjectAccessRequest, by: User) -> Disclosure:
    """Ask for the download: a worker gathers and writes it (`disclosure_run`) after commit."""
    require_handler(by)
    locked = _locked(request)
    _require_open(locked)
    now = timezone.now()
    disclosure = Disclosure(
        request=locked,
        created_by=by,
        created_at=now,
        expires_at=now + dt.timedelta(hours=settings.SUBJECT_ACCESS_KEEP_HOURS),
    )
    save_audited(disclosure, user=by, reason="Download asked for")
    from .tasks import run_disclosure

    transaction.on_commit(lambda: run_disclosure.delay(disclosure.pk))
    return disclosure


def disclosure_run(*, disclosure_id: int) -> Disclosure:
    """Gather everything held about the person and write the ZIP (the task's one call)."""
    from .disclosure import build_zip, gather

    with transaction.atomic():
        disclosure = Disclosure.objects.select_for_update().get(pk=disclosure_id)
        if disclosure.status not in (DisclosureStatus.QUEUED, DisclosureStatus.RUNNING):
            return disclosure  # a redelivered task: already made
        disclosure.status = DisclosureStatus.RUNNING
        save_audited(disclosure, user=disclosure.created_by, reason="Download started")
    try:
        request = SubjectAccessRequest.objects.select_related("person").get(
            pk=disclosure.request_id
        )
        record = gather(request)
        content = build_zip(record, request=request)
    except Exception:
        _disclosure_end(disclosure_id, error="Something went wrong making this download.")
        raise
    return _disclosure_end(
        disclosure_id,
        content=content,
        withheld=len(record["withheld"]),
        redacted=len(record["redacted"]),
    )


@transaction.atomic
def _disclosure_end(
    disclosure_id: int,
    *,
    content: bytes = b"",
    withheld: int = 0,
    redacted: int = 0,
    error: str = "",
) -> Disclosure:
    disclosure = Disclosure.objects.select_for_update().get(pk=disclosure_id)
    now = timezone.now()
    disclosure.finished_at = now
    if error:
        disclosure.status = DisclosureStatus.FAILED
        disclosure.error = error[:300]
        save_audited(disclosure, user=disclosure.created_by, reason="Download failed")
        return disclosure
    disclosure.file.save(disclosure.filename, ContentFile(content), save=False)
    disclosure.status = DisclosureStatus.READY
    disclosure.withheld, disclosure.redacted = withheld, redacted
    disclosure.expires_at = now + dt.timedelta(hours=settings.SUBJECT_ACCESS_KEEP_HOURS)
    save_audited(disclosure, user=disclosure.created_by, reason="Download ready")
    return disclosure


def disclosure_delete_expired(*, now: dt.datetime | None = None) -> int:
    """Delete downloads past their time; idempotent, and catches up after downtime."""
    now = now or timezone.now()
    deleted = 0
    with transaction.atomic():
        due = (
            Disclosure.objects.select_for_update(skip_locked=True)
            .filter(expires_at__lte=now)
            .exclude(status=DisclosureStatus.EXPIRED)
        )
        for disclosure in due:
            if disclosure.file:
                storage, name = disclosure.file.storage, disclosure.file.name
                transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
            disclosure.status = DisclosureStatus.EXPIRED
            disclosure.file = ""
            save_audited(
                disclosure,
                user=None,
                reason=f"Deleted after {settings.SUBJECT_ACCESS_KEEP_HOURS:g} hours",
            )
            deleted += 1
    return deleted
