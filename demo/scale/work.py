"""Contacts and what the services did with them: moves, clocks, grants, enquiries, history.

A contact walks one `Path` through `referrals.lifecycle` (a tuple of states after DRAFT).
Its grants and clocks are not invented here: `Walk` replays the path against the lifecycle's
own tables (`HOLDS` for who holds it in each state and with what access, `CLOSED` for where
the last holders keep read, `STARTS` / `MEETS` for the clocks a move starts and meets), with
the same rules `contact_move` applies (docs/adr/0008-access-follows-the-work.md), so the end
state is what the services would have left. People's `view_person` grants follow from the
contacts' (whoever reads a contact reads its people, and only then) and are written in one
statement afterwards (`person_grants_sql`).
"""

import datetime as dt
import random
from dataclasses import dataclass, field

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from accounts.models import AccessAction, AccessLog, TeamKind
from accounts.roles import Role
from early_help.models import EarlyHelpDecision, Outcome
from mash.models import (
    AnswerStatus,
    ConsentDecision,
    ConsentOutcome,
    Enquiry,
    EnquiryStatus,
    EnquiryUserObjectPermission,
    NextStep,
    PartnerAnswer,
    PartnerRequest,
    PartnerRequestGroupObjectPermission,
    RequestStatus,
)
from referrals import lifecycle
from referrals.models import (
    AssessmentType,
    CinEpisode,
    Contact,
    ContactGroupObjectPermission,
    ContactPerson,
    ContactRole,
    ContactSource,
    ContactUserObjectPermission,
    KnownStatus,
    Person,
    PrimaryNeed,
    Rating,
    RatingStage,
    Referral,
    RelationshipType,
)
from thresholds import clock
from thresholds.models import ClockKind, ClosureDay, CouncilProfile, Deadline, Rag
from thresholds.services import DUE_SOON_SHARE, timescale_for

from .copying import Loader
from .people import Family
from .staff import Staff

S = lifecycle.S
REASON = "Synthetic council (generate_council)"
HOUR = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Path:
    """One way through the process: the states after DRAFT, and what the walk records."""

    name: str
    moves: tuple[lifecycle.ContactStatus, ...]
    rags: tuple[str, ...] = ("",)  # the rating, drawn evenly
    outcome: str = ""  # the initial rating's outcome (RatingOutcome)
    next_step: str = ""  # a MASH decision's next step, for paths through the MASH


R, A, G = Rag.RED, Rag.AMBER, Rag.GREEN
# Closed (or passed on) work, with its share of contacts not through the MASH.
HISTORIC = (
    (Path("information only", (S.SUBMITTED, S.INFORMATION_ONLY)), 30),
    (
        Path(
            "advice",
            (S.SUBMITTED, S.AWAITING_RATING, S.INFORMATION_AND_ADVICE),
            (G,),
            "information_and_advice",
        ),
        8,
    ),
    (
        Path(
            "no further action",
            (S.SUBMITTED, S.AWAITING_RATING, S.CLOSED_NFA),
            (G,),
            "no_further_action",
        ),
        14,
    ),
    (
        Path(
            "referred",
            (S.SUBMITTED, S.AWAITING_RATING, S.REFERRED_TO_SOCIAL_WORK),
            (R, A, A),
            "social_work_referral",
        ),
        20,
    ),
    (
        Path(
            "early help, closed",
            (S.SUBMITTED, S.AWAITING_RATING, S.WITH_EARLY_HELP, S.CLOSED_NFA),
            (G,),
            "early_help",
        ),
        28,
    ),
)
# Closed work through the MASH (an enquiry each), by share.
THROUGH_MASH = (
    (
        Path(
            "MASH, referred",
            (S.SUBMITTED, S.AWAITING_RATING, S.WITH_MASH, S.REFERRED_TO_SOCIAL_WORK),
            (R, A),
            "mash",
            NextStep.SOCIAL_WORK_REFERRAL,
        ),
        50,
    ),
    (
        Path(
            "MASH, to early help",
            (S.SUBMITTED, S.AWAITING_RATING, S.WITH_MASH, S.WITH_EARLY_HELP, S.CLOSED_NFA),
            (A,),
            "mash",
            NextStep.EARLY_HELP,
        ),
        20,
    ),
    (
        Path(
            "MASH, no further action",
            (S.SUBMITTED, S.AWAITING_RATING, S.WITH_MASH, S.CLOSED_NFA),
            (A,),
            "mash",
            NextStep.NO_FURTHER_ACTION,
        ),
        30,
    ),
)
# Work still open at the end, by share, with how many days back it arrived at most.
OPEN = (
    (Path("draft", ()), 4, 1),
    (Path("new", (S.SUBMITTED,)), 16, 3),
    (Path("awaiting rating", (S.SUBMITTED, S.AWAITING_RATING)), 16, 5),
    (
        Path("with the MASH", (S.SUBMITTED, S.AWAITING_RATING, S.WITH_MASH), (R, A, A), "mash"),
        34,
        21,
    ),
    (
        Path(
            "with early help",
            (S.SUBMITTED, S.AWAITING_RATING, S.WITH_EARLY_HELP),
            (G,),
            "early_help",
        ),
        30,
        28,
    ),
)
SOURCES = (
    (ContactSource.PHONE, 45),
    (ContactSource.ONLINE_FORM, 35),
    (ContactSource.ECAF, 12),
    (ContactSource.EDT_REPORT, 8),
)
REFERRAL_SOURCES = ("2A", "3A", "3B", "6", "1A", "8", "4", "5C")
LEVEL = {R: 4, A: 3, G: 2, "": None}


class Due:
    """`thresholds.clock.due_at` under the profile, memoised per start day for working days.

    A working-day clock's due day depends only on the London day it starts (its time of day
    is kept on a working day, 23:59:59 otherwise), so the day's answer is computed once with
    the real function and reused; clock hours and calendar days are cheap and computed."""

    def __init__(self, profile: CouncilProfile) -> None:
        self.profile = profile
        self.closures = frozenset(ClosureDay.objects.values_list("date", flat=True))
        self.scales: dict[tuple[str, str], tuple[int, str]] = {}
        self.days: dict[tuple[dt.date, int], tuple[dt.date, bool]] = {}

    def __call__(self, kind: str, start: dt.datetime, rag: str) -> dt.datetime:
        key = (kind, rag if kind == ClockKind.PARTNER_CHECK else "")
        if key not in self.scales:
            scale = timescale_for(self.profile, kind, rag)
            self.scales[key] = (scale.amount, scale.unit)
        amount, unit = self.scales[key]
        if unit != clock.WORKING_DAYS or amount == 0:
            return clock.due_at(start, amount, unit, self.closures)
        wall = start.astimezone(clock.LONDON)
        memo = (wall.date(), amount)
        if memo not in self.days:
            noon = dt.datetime.combine(wall.date(), dt.time(12), tzinfo=clock.LONDON)
            due = clock.due_at(noon, amount, unit, self.closures).astimezone(clock.LONDON)
            self.days[memo] = (due.date(), due.time() == clock.END_OF_DAY)
        day, end_of_day = self.days[memo]
        wall_time = clock.END_OF_DAY if end_of_day else wall.time()
        return dt.datetime.combine(day, wall_time, tzinfo=clock.LONDON).astimezone(dt.UTC)


@dataclass
class Walk:
    """One contact's grants and running clocks as its moves are replayed."""

    contact_id: int
    rag: str
    grants: dict[tuple[str, int], set[str]] = field(default_factory=dict)
    running: dict[str, dict] = field(default_factory=dict)  # ClockKind -> the clock's row
    done: list[dict] = field(default_factory=list)


class Work:
    """Writes contacts and everything the services would have written with them."""

    def __init__(
        self,
        loader: Loader,
        rng: random.Random,
        *,
        profile: CouncilProfile,
        staff: Staff,
        now: dt.datetime,
        swept_at: dt.datetime,
    ) -> None:
        self.loader, self.rng, self.profile, self.staff = loader, rng, profile, staff
        self.now, self.swept_at = now, swept_at
        self.due = Due(profile)
        self.role_groups = dict(
            Group.objects.filter(name__in=[r.value for r in Role]).values_list("name", "pk")
        )
        self.perm = {
            f"{p.content_type.app_label}.{p.codename}": p.pk
            for p in Permission.objects.select_related("content_type").filter(
                content_type__app_label__in=("referrals", "mash")
            )
        }
        self.request_type = ContentType.objects.get_for_model(PartnerRequest).pk
        self.contact_type = ContentType.objects.get_for_model(Contact).pk
        self.person_type = ContentType.objects.get_for_model(Person).pk
        self.contact_path = reverse("referrals:contact_detail", args=[987654321])
        self.person_path = reverse("referrals:person_detail", args=[987654321])
        self.sources = [s for s, w in SOURCES for _ in range(w)]
        self.next_reference = 1
        self.open_clocks = 0
        self.by_path: dict[str, int] = {}
        self.known: dict[int, str] = {}  # household -> what a child there was last known as

    # --- helpers -------------------------------------------------------------------------

    def _user(self, role: Role) -> int:
        return self.rng.choice(self.staff.by_role[role])

    def _team(self, kind: TeamKind):
        return self.staff.team(kind)

    def _history(
        self,
        model,
        pk: int,
        values: dict,
        *,
        at: dt.datetime,
        by: int | None,
        reason: str,
        kind: str = "+",
    ) -> None:
        row = {k: v for k, v in values.items() if k != "id"}
        self.loader.history(model).add(
            id=pk,
            history_date=at,
            history_type=kind,
            history_change_reason=reason[:300],
            history_user_id=by,
            **row,
        )

    def _create(self, model, *, at: dt.datetime, by: int | None, note: str, **values) -> int:
        """A row and its creation history, as `save_audited` writes them."""
        pk = self.loader[model].add(**values)
        self._history(model, pk, values, at=at, by=by, reason=note)
        return pk

    # --- clocks --------------------------------------------------------------------------

    def _start(
        self,
        walk: Walk,
        kind: str,
        at: dt.datetime,
        *,
        team,
        role,
        responsible=None,
        subject: int | None = None,
        description: str = "",
    ) -> None:
        due = self.due(kind, at, walk.rag)
        walk.running[f"{kind}:{subject}"] = dict(
            kind=kind,
            contact_id=walk.contact_id,
            team_id=team.pk if team else None,
            responsible_id=responsible,
            responsible_role=str(role),
            rag=walk.rag,
            started_at=at,
            due_at=due,
            warn_at=due - (due - at) * DUE_SOON_SHARE,
            subject_type_id=self.request_type if subject else None,
            subject_id=subject,
            description=description or ClockKind(kind).label,
        )

    def _end(self, walk: Walk, key: str, at: dt.datetime, *, met: bool, reason: str = "") -> None:
        row = walk.running.pop(key, None)
        if row is None:
            return
        row["met_at" if met else "closed_at"] = at
        if not met:
            row["closed_reason"] = reason[:300]
        walk.done.append(row)

    def _end_kinds(self, walk: Walk, kinds, at: dt.datetime) -> None:
        for key in [k for k in walk.running if k.split(":")[0] in kinds]:
            self._end(walk, key, at, met=True)

    def _write_clocks(self, walk: Walk, by: int) -> None:
        """Every clock the contact ran, marked as a sweep at `swept_at` would have left it."""
        for row in walk.done + list(walk.running.values()):
            finished = row.get("met_at") or row.get("closed_at")
            until = min(finished, self.swept_at) if finished else self.swept_at
            if row["warn_at"] <= until:
                row["due_soon_at"] = row["warn_at"]
            if row["due_at"] <= until:
                row["breached_at"] = row["breach_notified_at"] = row["due_at"]
            pk = self._create(
                Deadline,
                at=row["started_at"],
                by=by,
                note=f"Clock started: {ClockKind(row['kind']).label}",
                **row,
            )
            if finished:
                self._history(
                    Deadline,
                    pk,
                    row,
                    at=finished,
                    by=by,
                    kind="~",
                    reason="Clock met" if row.get("met_at") else row["closed_reason"],
                )
            else:
                self.open_clocks += 1

    # --- grants --------------------------------------------------------------------------

    def _holders(self, to, *, team, worker: int | None) -> dict[tuple[str, int], str]:
        """`lifecycle.holders_for` on ids: who holds a contact in state `to`."""
        holds = lifecycle.HOLDS.get(to, lifecycle.Holds())
        out = {}
        if holds.role is not None:
            out[("group", self.role_groups[holds.role.value])] = lifecycle.Access.READ
        if holds.team is not None and team is not None:
            out[("group", self.staff.team_groups[team.pk])] = holds.team
        if holds.worker is not None and worker is not None:
            out[("user", worker)] = holds.worker
        return out

    def _regrant(self, walk: Walk, to, new: dict) -> None:
        """`lifecycle._regrant`: earlier holders lose write, and read unless the work closed;
        new holders get read, and write if they hold it so."""
        for who in list(walk.grants):
            if who in new:
                continue
            walk.grants[who].discard("change_contact")
            if to not in lifecycle.CLOSED:
                walk.grants[who].discard("view_contact")
            if not walk.grants[who]:
                del walk.grants[who]
        for who, access in new.items():
            walk.grants[who] = {"view_contact"} | (
                {"change_contact"} if access == lifecycle.Access.WRITE else set()
            )

    def _write_grants(self, walk: Walk) -> None:
        for (kind, holder), codenames in walk.grants.items():
            model = ContactUserObjectPermission if kind == "user" else ContactGroupObjectPermission
            for codename in sorted(codenames):
                self.loader[model].add(
                    **{
                        f"{kind}_id": holder,
                        "content_object_id": walk.contact_id,
                        "permission_id": self.perm[f"referrals.{codename}"],
                    }
                )

    # --- one contact ---------------------------------------------------------------------

    def contact(
        self, family: Family, path: Path, received: dt.datetime, *, open_work: bool
    ) -> None:
        rng = self.rng
        rag = rng.choice(path.rags)
        contact_id = self.loader[Contact].next_id
        self.loader[Contact].next_id += 1
        walk = Walk(contact_id, rag)
        officer = self._user(Role.SCREENING_OFFICER)
        times = self._times(path, received, open_work=open_work)
        fields = self._contact_fields(family, path, rag, received, officer)
        people = self._people(family, received, fields["household_id"], bool(path.moves))
        came_from, team, worker, enquiry = S.DRAFT, None, None, None
        history = []
        for to, at in zip(path.moves, times, strict=True):
            mover = officer
            if came_from == S.SUBMITTED:
                fields.update(
                    screened_at=at,
                    screened_by_id=officer,
                    screening_rationale="Screened (synthetic council).",
                )
                if to == S.INFORMATION_ONLY:
                    fields["signposting"] = "Signposted to the family information service."
            if came_from == S.AWAITING_RATING:
                mover = self._user(Role.SENIOR_PRACTITIONER)
                fields.update(rag=rag, level=LEVEL[rag])
                self._create(
                    Rating,
                    at=at,
                    by=mover,
                    note="Initial rating",
                    contact_id=contact_id,
                    stage=RatingStage.INITIAL,
                    rag=rag,
                    level=LEVEL[rag],
                    cp_concerns=rag == R,
                    outcome=path.outcome,
                    rationale="Rated against the threshold table.",
                    rated_by_id=mover,
                    rated_at=at,
                )
            if came_from == S.WITH_MASH:
                mover = self._user(Role.MASH_MANAGER)
                self._decide_enquiry(enquiry, walk, path, at, mover, open_work=False)
                worker = None
            if came_from == S.WITH_EARLY_HELP:
                mover = self._user(Role.EARLY_HELP_DUTY_MANAGER)
                outcome = rng.choice((Outcome.SIGNPOSTING, Outcome.NO_FURTHER_ACTION))
                service = "Children's centre" if outcome == Outcome.SIGNPOSTING else ""
                fields["signposting"] = service
                self.known.setdefault(family.household_id, KnownStatus.CLOSED_EARLY_HELP)
                self._create(
                    EarlyHelpDecision,
                    at=at,
                    by=mover,
                    note="Early help decision",
                    contact_id=contact_id,
                    outcome=outcome,
                    rationale="Decided (synthetic).",
                    service=service,
                    decided_by_id=mover,
                    decided_at=at,
                )
            if to == S.REFERRED_TO_SOCIAL_WORK:
                team = rng.choice(self.staff.teams[TeamKind.SOCIAL_WORK])
                self._refer(contact_id, team, rag, at, mover, people)
                self.known[family.household_id] = KnownStatus.CLOSED_SOCIAL_CARE
            if to == S.WITH_MASH:
                worker = self._user(Role.MASH_SOCIAL_WORKER)
            fields.update(
                status=to, assigned_team_id=team.pk if team else None, assigned_to_id=worker
            )
            if to == S.SUBMITTED:
                fields["submitted_at"] = at
            self._regrant(walk, to, self._holders(to, team=team, worker=worker))
            self._clocks(walk, came_from, to, at, received, team)
            if to == S.WITH_MASH:
                enquiry = self._open_enquiry(walk, at, worker, open_work)
            history.append((dict(fields), at, mover, f"Moved to {to.label}"))
            came_from = to
        if came_from == S.WITH_MASH:
            self._decide_enquiry(enquiry, walk, path, self.now, None, open_work=True)
        self._finish_clocks(walk, times[-1] if times else received, open_work)
        self.loader[Contact].add(id=contact_id, **fields)
        self._history(
            Contact,
            contact_id,
            fields | {"status": S.DRAFT, "submitted_at": None},
            at=received,
            by=officer,
            reason="Contact started",
        )
        for values, at, mover, reason in history:
            self._history(Contact, contact_id, values, at=at, by=mover, reason=reason, kind="~")
        for row in people:
            self._create(
                ContactPerson,
                at=received,
                by=officer,
                note="Person added to the contact",
                contact_id=contact_id,
                **row,
            )
        self._write_clocks(walk, officer)
        self._write_grants(walk)
        self._reads(contact_id, fields, people, walk)
        self.by_path[path.name] = self.by_path.get(path.name, 0) + 1

    def _times(self, path: Path, received: dt.datetime, *, open_work: bool) -> list[dt.datetime]:
        """When each move happened: submitted minutes after receipt, then hours to days apart
        (an open contact's moves are squeezed to end before now)."""
        rng, at, times = self.rng, received, []
        gaps = {
            S.SUBMITTED: (0.02, 0.2),
            S.AWAITING_RATING: (0.5, 30),
            S.WITH_MASH: (0.5, 30),
            S.WITH_EARLY_HELP: (1, 72),
            S.INFORMATION_ONLY: (0.5, 30),
            S.INFORMATION_AND_ADVICE: (1, 30),
            S.REFERRED_TO_SOCIAL_WORK: (2, 120),
            S.CLOSED_NFA: (2, 240),
        }
        for to in path.moves:
            at = at + HOUR * rng.uniform(*gaps[to])
            times.append(at)
        if open_work and times and times[-1] >= self.now:
            squeeze = (self.now - received) * 0.95 / (times[-1] - received)
            times = [received + (t - received) * squeeze for t in times]
        return times

    def _contact_fields(
        self, family: Family, path: Path, rag: str, received: dt.datetime, officer: int
    ) -> dict:
        rng = self.rng
        reference = f"C{self.next_reference:07d}"
        self.next_reference += 1
        urgent = rng.random() < 0.03
        return dict(
            reference=reference,
            status=S.DRAFT,
            source=rng.choice(self.sources),
            received_at=received,
            information_only=path.moves[-1:] == (S.INFORMATION_ONLY,),
            referrer_name="A referrer",
            referrer_is_professional=True,
            referrer_organisation="Synthetic Primary School",
            referral_source=rng.choice(REFERRAL_SOURCES),
            concerns="Concerns about the children's care (synthetic).",
            family_aware="yes",
            household_id=family.household_id,
            created_by_id=officer,
            created_at=received,
            urgent=urgent,
            urgent_reason="Needs a same-day look (synthetic)." if urgent else "",
        )

    def _people(
        self, family: Family, received: dt.datetime, household: int, screened: bool
    ) -> list[dict]:
        """The contact's children (siblings under 18 then), parents, and sometimes the partner."""
        known = self.known.get(household, KnownStatus.NOT_KNOWN) if screened else ""
        rows = [
            dict(person_id=c, role=ContactRole.CHILD, known_status=known)
            for c in family.children_on(received.date())
        ]
        for parent, relationship in family.parents:
            rows.append(
                dict(
                    person_id=parent,
                    role=ContactRole.PARENT_CARER,
                    relationship_to_children=relationship,
                    has_parental_responsibility=True,
                    lives_with_children=True,
                )
            )
        if family.partner_id and self.rng.random() < 0.5:
            rows.append(
                dict(
                    person_id=family.partner_id,
                    role=ContactRole.ALLEGED_PERPETRATOR,
                    relationship_to_children=RelationshipType.PARENTS_PARTNER,
                    has_parental_responsibility=False,
                    lives_with_children=False,
                )
            )
        return rows

    def _clocks(
        self, walk: Walk, came_from, to, at: dt.datetime, received: dt.datetime, team
    ) -> None:
        """`lifecycle._clocks`: meet what the contact leaves, close all on closing, start what
        it arrives at (the checks clock by RAG; an amber referral's team clock)."""
        if came_from == to:
            return
        self._end_kinds(walk, lifecycle.MEETS.get(came_from, ()), at)
        if to in lifecycle.CLOSED:
            for key in list(walk.running):
                self._end(walk, key, at, met=False, reason=f"{to.label}. Closed (synthetic).")
        for start in lifecycle.STARTS.get(to, ()):
            if start.arriving_from is not None and came_from not in start.arriving_from:
                continue
            kind = start.kind
            if to == S.WITH_MASH:
                kind = ClockKind.RED_CHECKS if walk.rag == R else ClockKind.AMBER_CHECKS
            self._start(
                walk,
                kind,
                received if kind == ClockKind.SCREENING else at,
                team=self._team(start.team_kind),
                role=start.role,
            )
        if to == S.REFERRED_TO_SOCIAL_WORK and came_from == S.AWAITING_RATING and walk.rag == A:
            self._start(
                walk,
                ClockKind.AMBER_CHECKS,
                at,
                team=team,
                role=Role.TEAM_MANAGER,
                description="Amber child in need: the receiving team's decision",
            )

    def _finish_clocks(self, walk: Walk, last: dt.datetime, open_work: bool) -> None:
        """Closed work's clocks that outlive the move (advice given, a team's amber decision)
        were met later, unless that is still to come."""
        if open_work:
            return
        for key, row in list(walk.running.items()):
            met = last + (row["due_at"] - row["started_at"]) * self.rng.uniform(0.3, 1.4)
            if met < self.now:
                self._end(walk, key, met, met=True)

    # --- referrals, enquiries ------------------------------------------------------------

    def _refer(
        self, contact_id: int, team, rag: str, at: dt.datetime, by: int, people: list[dict]
    ) -> None:
        referral = self._create(
            Referral,
            at=at,
            by=by,
            note=f"Referred to {team}",
            contact_id=contact_id,
            team_id=team.pk,
            assessment_type=AssessmentType.SECTION_47
            if rag == R
            else AssessmentType.CHILD_AND_FAMILY,
            reason="Referred for assessment (synthetic).",
            created_by_id=by,
            created_at=at,
        )
        for row in people:
            if row["role"] != ContactRole.CHILD:
                continue
            closed = at.date() + dt.timedelta(days=self.rng.randint(30, 400))
            ended = closed < self.now.date()
            self._create(
                CinEpisode,
                at=at,
                by=by,
                note="CIN episode opened",
                referral_id=referral,
                person_id=row["person_id"],
                referral_date=at.date(),
                primary_need=self.rng.choice((PrimaryNeed.N1, PrimaryNeed.N4, PrimaryNeed.N5)),
                closed_on=closed if ended else None,
                closure_reason="RC8" if ended else "",
                updated_at=at,
            )

    def _open_enquiry(self, walk: Walk, at: dt.datetime, worker: int, open_work: bool) -> dict:
        rng = self.rng
        manager = self._user(Role.MASH_MANAGER)
        opened = at + HOUR * rng.uniform(0.1, 1)
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
        requested = opened + HOUR * rng.uniform(0.2, 1)
        for agency in asked:
            request = dict(
                enquiry_id=enquiry["id"],
                agency_id=agency.pk,
                question="Please share what you know.",
                requested_by_id=worker,
                requested_at=requested,
                status=RequestStatus.OPEN,
                rag=walk.rag,
                due_at=self.due(ClockKind.PARTNER_CHECK, requested, walk.rag),
            )
            request["id"] = self.loader[PartnerRequest].next_id
            self.loader[PartnerRequest].next_id += 1
            self._start(
                walk,
                ClockKind.PARTNER_CHECK,
                requested,
                team=self._team(TeamKind.MASH),
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
                self._end(walk, key, answered, met=True)
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
                    self._end(
                        walk,
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

    # --- reads ---------------------------------------------------------------------------

    def _reads(self, contact_id: int, fields: dict, people: list[dict], walk: Walk) -> None:
        """The access log a contact's life leaves: its screening officer read it, and the
        children's records were opened now and then."""
        at = fields.get("screened_at") or fields["received_at"]
        log = self.loader[AccessLog]
        log.add(
            user_id=fields["created_by_id"],
            at=at,
            action=AccessAction.VIEW,
            content_type_id=self.contact_type,
            object_id=contact_id,
            description=f"Contact {fields['reference']}"[:200],
            path=self.contact_path.replace("987654321", str(contact_id)),
            details="{}",
        )
        for row in people:
            if row["role"] == ContactRole.CHILD and self.rng.random() < 0.3:
                log.add(
                    user_id=fields["created_by_id"],
                    at=at,
                    action=AccessAction.VIEW,
                    content_type_id=self.person_type,
                    object_id=row["person_id"],
                    description="Person record",
                    path=self.person_path.replace("987654321", str(row["person_id"])),
                    details="{}",
                )


def person_grants_sql(first_contact: int, last_contact: int) -> list[str]:
    """Whoever holds `view_contact` on a contact holds `view_person` on its people, and only
    then (`contact_share` grants it, `contact_unshare` ends it unless another contact still
    gives it): derived from the contact grants just written, for this run's contacts."""
    statements = []
    for holder, contact_grants, person_grants in (
        (
            "user_id",
            "referrals_contactuserobjectpermission",
            "referrals_personuserobjectpermission",
        ),
        (
            "group_id",
            "referrals_contactgroupobjectpermission",
            "referrals_persongroupobjectpermission",
        ),
    ):
        statements.append(
            # Table and column names are the constants above; the ids are ints.
            f"INSERT INTO {person_grants} (permission_id, {holder}, content_object_id) "  # noqa: S608
            f"SELECT DISTINCT vp.id, g.{holder}, cp.person_id FROM {contact_grants} g "
            "JOIN referrals_contactperson cp ON cp.contact_id = g.content_object_id "
            "JOIN auth_permission vc ON vc.id = g.permission_id AND vc.codename = 'view_contact' "
            "JOIN django_content_type ct ON ct.app_label = 'referrals' AND ct.model = 'person' "
            "JOIN auth_permission vp ON vp.content_type_id = ct.id AND vp.codename = 'view_person' "
            f"WHERE g.content_object_id BETWEEN {int(first_contact)} AND {int(last_contact)} "
            "ON CONFLICT DO NOTHING"
        )
    return statements
