"""MASH enquiries as the services leave them: opened with consent, three agencies asked,
answers in or requests closed at the decision, the worker's grants ended when it is decided
(a part of `demo.scale.work.Work`)."""

import datetime as dt

from accounts.models import TeamKind
from accounts.roles import Role
from mash.models import (
    AnswerStatus,
    ConsentDecision,
    ConsentOutcome,
    Enquiry,
    EnquiryStatus,
    EnquiryUserObjectPermission,
    PartnerAnswer,
    PartnerRequest,
    PartnerRequestGroupObjectPermission,
    RequestStatus,
)
from thresholds.models import ClockKind

from .replay import LEVEL, Path, Walk

HOUR = dt.timedelta(hours=1)


class Enquiries:
    """The enquiry steps of a contact's path; `Work` provides the loader, staff and rules."""

    def _open_enquiry(self, walk: Walk, at: dt.datetime, until: dt.datetime, worker: int) -> dict:
        """Open the enquiry, record consent and ask three agencies (the always-asked first),
        all early in its time with the MASH (`at` to `until`, its decision or now)."""
        rng = self.rng
        manager = self._user(Role.MASH_MANAGER)
        opened = at + (until - at) * rng.uniform(0.02, 0.1)
        values = dict(
            contact_id=walk.contact_id,
            opened_by_id=manager,
            opened_at=opened,
            worker_id=worker,
            status=EnquiryStatus.OPEN,
        )
        enquiry = {"id": self.loader[Enquiry].next_id, "values": values, "requests": []}
        self.loader[Enquiry].next_id += 1
        self._create(
            ConsentDecision,
            at=opened,
            by=worker,
            note="Consent recorded",
            enquiry_id=enquiry["id"],
            outcome=ConsentOutcome.SOUGHT_GIVEN,
            rationale="The family agreed (synthetic).",
            recorded_by_id=worker,
            recorded_at=opened,
        )
        others = self.staff.agencies[1:]
        asked = [self.staff.agencies[0], *rng.sample(others, min(2, len(others)))]
        requested = opened + (until - at) * rng.uniform(0.02, 0.1)
        for agency in asked:
            request = dict(
                enquiry_id=enquiry["id"],
                agency_id=agency.pk,
                question="Please share what you know.",
                requested_by_id=worker,
                requested_at=requested,
                status=RequestStatus.OPEN,
                rag=walk.rag,
                due_at=self.rules.due(ClockKind.PARTNER_CHECK, requested, walk.rag),
            )
            request["id"] = self.loader[PartnerRequest].next_id
            self.loader[PartnerRequest].next_id += 1
            walk.start(
                ClockKind.PARTNER_CHECK,
                requested,
                team=self.staff.team(TeamKind.MASH),
                role=Role.MASH_MANAGER,
                subject=request["id"],
                description=f"Checks from {agency}",
            )
            answered = requested + HOUR * rng.uniform(1, 40)
            enquiry["requests"].append((request, agency, answered))
        return enquiry

    def _decide_enquiry(
        self, enquiry: dict | None, walk: Walk, path: Path, at, by: int | None, *, open_work: bool
    ) -> None:
        """Write the enquiry, its requests and answers as of its decision at `at` (or, open,
        as of now): answers that came before stand, unanswered requests close with the
        decision; the worker's grants on the enquiry end when it is decided."""
        if enquiry is None:
            return
        cut = self.now if open_work else at
        values = enquiry["values"]
        answered_all = True
        for request, agency, answered in enquiry["requests"]:
            key = f"{ClockKind.PARTNER_CHECK}:{request['id']}"
            if answered < cut:
                request["status"] = RequestStatus.ANSWERED
                author = self.rng.choice(self.staff.agency_users[agency.pk])
                walk.end(key, answered, met=True)
                self._create(
                    PartnerAnswer,
                    at=answered,
                    by=author,
                    note="Answer submitted",
                    request_id=request["id"],
                    version=1,
                    information_held="Known to us (synthetic).",
                    share_with_receiving_service=True,
                    status=AnswerStatus.SUBMITTED,
                    author_id=author,
                    updated_at=answered,
                    submitted_at=answered,
                )
            else:
                answered_all = False
                if not open_work:
                    request["status"] = RequestStatus.CLOSED
                    walk.end(
                        key,
                        at,
                        met=False,
                        reason=f"The MASH made its decision before {agency} answered.",
                    )
            self._create(
                PartnerRequest,
                at=request["requested_at"],
                by=request["requested_by_id"],
                note=f"Checks requested from {agency}",
                **request,
            )
            for codename in ("view_partnerrequest", "change_partnerrequest"):
                self.loader[PartnerRequestGroupObjectPermission].add(
                    group_id=self.staff.agency_groups[agency.pk],
                    content_object_id=request["id"],
                    permission_id=self.perm[f"mash.{codename}"],
                )
        if open_work:
            values["status"] = EnquiryStatus.ANALYSED if answered_all else EnquiryStatus.OPEN
            for codename in ("view_enquiry", "change_enquiry"):
                self.loader[EnquiryUserObjectPermission].add(
                    user_id=values["worker_id"],
                    content_object_id=enquiry["id"],
                    permission_id=self.perm[f"mash.{codename}"],
                )
        else:
            values.update(
                status=EnquiryStatus.DECIDED,
                final_rag=walk.rag,
                next_step=path.next_step,
                final_rationale="Decided on the checks (synthetic).",
                decided_by_id=by,
                decided_at=at,
                recommended_level=LEVEL[walk.rag],
            )
        self._create(
            Enquiry,
            at=values["opened_at"],
            by=values["opened_by_id"],
            note="MASH enquiry opened",
            id=enquiry["id"],
            **values,
        )
