"""Making the statutory returns: the CIN census runs and the access log of their exports.

The pages, the Celery task and the management commands all call these.
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts import reads
from accounts.audit import save_audited
from accounts.models import AccessAction, AccessLog, User
from referrals.models import CinEpisode, Person
from thresholds.models import CouncilProfile

from .cin_census import Census, CollectionYear, build_census
from .models import CensusRun, RunStatus
from .validator import Validation, ValidatorUnavailable, validate_census

PERMISSION = "reporting.view_statutory_returns"


def require_returns(user: User) -> None:
    if not user.has_perm(PERMISSION):
        raise PermissionDenied("Only team managers and the service manager make the returns.")


@dataclass
class CheckedCensus:
    census: Census
    validation: Validation


def census_check(*, year: int, profile: CouncilProfile, serial_no: int = 1) -> CheckedCensus:
    """Build the census for `year` and run the DfE's rules over it (raises
    ValidatorUnavailable when the validator cannot run)."""
    census = build_census(year=CollectionYear(year), profile=profile, serial_no=serial_no)
    return CheckedCensus(census=census, validation=validate_census(census.xml, year=year))


def _located(issues: list[dict], census: Census) -> list[dict]:
    """Each issue with the child's Person and the episode's contact it points at (the validator
    names a child by LAchildID and a row by its position in its table)."""
    people = dict(Person.objects.filter(pk__in=census.person_ids).values_list("case_number", "pk"))
    episode_ids = {pk for pks in census.rows.values() for pk in pks}
    contacts = {
        pk: (contact_id, reference)
        for pk, contact_id, reference in CinEpisode.objects.filter(pk__in=episode_ids).values_list(
            "pk", "referral__contact_id", "referral__contact__reference"
        )
    }
    located = []
    for issue in issues:
        episode_id = None
        rows = census.rows.get(issue.get("table", ""))
        if rows is not None and issue.get("row_id", "").isdigit():
            position = int(issue["row_id"])
            episode_id = rows[position] if position < len(rows) else None
        contact_id, reference = contacts.get(episode_id, (None, ""))
        located.append(
            {
                **issue,
                "person_id": people.get(issue["child_id"]),
                "episode_id": episode_id,
                "contact_id": contact_id,
                "contact_reference": reference,
            }
        )
    return located


@transaction.atomic
def census_run_request(*, by: User, year: int, profile: CouncilProfile) -> CensusRun:
    """Ask for the census of `year` to be made and checked (in the background)."""
    from .tasks import census_run_task

    require_returns(by)
    run = CensusRun(year=year, profile=profile, requested_by=by, requested_at=timezone.now())
    save_audited(run, user=by, reason=f"CIN census {year} requested")
    transaction.on_commit(lambda: census_run_task.delay(run.pk))
    return run


def census_run_execute(*, run_id: int) -> CensusRun:
    """Make and check the census for a queued run; running it again changes nothing."""
    with transaction.atomic():
        run = CensusRun.objects.select_for_update().select_related("profile").get(pk=run_id)
        if run.status != RunStatus.QUEUED:
            return run
        run.status = RunStatus.RUNNING
        save_audited(run, user=run.requested_by, reason="Making the census")
    # Building and validating take seconds: no lock is held meanwhile.
    try:
        checked = census_check(year=run.year, profile=run.profile, serial_no=run.pk)
        outcome: dict = {
            "status": RunStatus.DONE,
            "xml": checked.census.xml.decode(),
            "person_ids": checked.census.person_ids,
            "episode_count": checked.census.episode_count,
            "ruleset": checked.validation.ruleset,
            "rules_run": checked.validation.rules_run,
            "issues": _located(checked.validation.issues, checked.census),
            "return_issues": checked.validation.return_issues,
            "crashes": checked.validation.crashes,
            "error_count": checked.validation.error_count,
            "query_count": checked.validation.query_count,
        }
        reason = "Census made and checked"
    except (ValidatorUnavailable, ValueError) as exc:
        outcome = {"status": RunStatus.FAILED, "failure": str(exc)}
        reason = "Census could not be checked"
    with transaction.atomic():
        run = CensusRun.objects.select_for_update().get(pk=run_id)
        for name, value in outcome.items():
            setattr(run, name, value)
        run.finished_at = timezone.now()
        save_audited(run, user=run.requested_by, reason=reason)
    return run


def log_export(
    *, user: User, person_ids: list[int], description: str, details: dict, path: str = ""
) -> None:
    """One access-log row per child an export names: who exported what, and when.

    In a request the rows join the request's read log (written in one insert); elsewhere they
    are written now, in one insert.
    """
    log = reads.current()
    if log is not None:
        for pk in person_ids:
            log.note_record(
                Person, pk, description=description, path=path, details=details, explicit=True
            )
        return
    person_type = ContentType.objects.get_for_model(Person)
    AccessLog.objects.bulk_create(
        AccessLog(
            user=user,
            action=AccessAction.VIEW,
            content_type=person_type,
            object_id=pk,
            description=description[:200],
            path=path[:300],
            details=details,
        )
        for pk in person_ids
    )


def census_download(*, run: CensusRun, by: User, path: str = "") -> bytes:
    """The census file of a run that passed, recorded in the access log for every child in it."""
    require_returns(by)
    if not run.may_download:
        raise PermissionDenied("This census has errors to fix, or is not finished.")
    log_export(
        user=by,
        person_ids=run.person_ids,
        description=f"Exported in the CIN census {run.year} (run {run.pk})",
        details={"export": "cin_census", "run": run.pk, "year": run.year},
        path=path,
    )
    return run.xml.encode()
