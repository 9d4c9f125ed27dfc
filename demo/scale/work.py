"""Contacts and what the services did with them: moves, clocks, grants, enquiries, history.

A contact walks one `Path` through `referrals.lifecycle` (a tuple of states after DRAFT);
`demo.scale.replay.Walk` works out its grants and clocks from the lifecycle's own tables,
and this module writes them with the records each step's service writes (ratings,
referrals and CIN episodes, MASH enquiries in `demo.scale.enquiries`, early help
decisions), a history row for each (rows that repeat the row as written are made in SQL:
`Loader.history_of`), and the reads the access log would hold. People's `view_person`
grants follow from the contacts' (whoever reads a contact reads its people, and only then)
and are written in one statement afterwards (`person_grants_sql`).
"""

import datetime as dt
import random

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from accounts.models import AccessAction, AccessLog, TeamKind
from accounts.roles import Role
from early_help.models import EarlyHelpDecision, Outcome
from mash.models import (
    PartnerRequest,
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
from thresholds.models import ClockKind, CouncilProfile, Deadline, Rag

from .copying import Loader
from .enquiries import Enquiries
from .involvements import Involvements
from .people import Family
from .replay import LEVEL, Due, Path, Rules, Walk
from .staff import Staff

S = lifecycle.S
R, A = Rag.RED, Rag.AMBER
HOUR = dt.timedelta(hours=1)
SOURCES = (
    (ContactSource.PHONE, 45),
    (ContactSource.ONLINE_FORM, 35),
    (ContactSource.ECAF, 12),
    (ContactSource.EDT_REPORT, 8),
)
REFERRAL_SOURCES = ("2A", "3A", "3B", "6", "1A", "8", "4", "5C")


class Work(Enquiries, Involvements):
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
        self.rules = Rules(
            due=Due(profile),
            role_groups=dict(
                Group.objects.filter(name__in=[r.value for r in Role]).values_list("name", "pk")
            ),
            team_groups=staff.team_groups,
            teams={kind: teams[0] for kind, teams in staff.teams.items()},
            request_type=ContentType.objects.get_for_model(PartnerRequest).pk,
        )
        self.perm = {
            f"{p.content_type.app_label}.{p.codename}": p.pk
            for p in Permission.objects.select_related("content_type").filter(
                content_type__app_label__in=("referrals", "mash")
            )
        }
        self.contact_type = ContentType.objects.get_for_model(Contact).pk
        self.person_type = ContentType.objects.get_for_model(Person).pk
        self.contact_path = reverse("referrals:contact_detail", args=[987654321])
        self.person_path = reverse("referrals:person_detail", args=[987654321])
        self.sources = [s for s, w in SOURCES for _ in range(w)]
        self.next_reference = 1
        self.open_clocks = 0
        self.by_path: dict[str, int] = {}
        self.known: dict[int, str] = {}  # household -> what a child there was last known as
        self.involved: dict[int, list] = {}  # child -> social care involvements (`Open`)

    # --- helpers -------------------------------------------------------------------------

    def _user(self, role: Role) -> int:
        return self.rng.choice(self.staff.by_role[role])

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
        self.loader.history_of(model, pk, at=at, by=by, reason=note)
        return pk

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
                self.loader.history_of(
                    Deadline,
                    pk,
                    at=finished,
                    by=by,
                    kind="~",
                    reason="Clock met" if row.get("met_at") else row["closed_reason"],
                )
            else:
                self.open_clocks += 1

    # --- grants ---------------------------------------------------------------------------

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
        route = self._route(
            path, family.children_on(received.date()), received.date(), open_work=open_work
        )
        if route is not None:
            path = route.path
        rag = rng.choice(path.rags)
        contact_id = self.loader[Contact].next_id
        self.loader[Contact].next_id += 1
        walk = Walk(self.rules, contact_id, rag)
        officer = self._user(Role.SCREENING_OFFICER)
        times = self._times(path, received, open_work=open_work)
        fields = self._contact_fields(family, path, rag, received, officer)
        people = self._people(family, received, fields["household_id"], bool(path.moves))
        self._known(people, route)
        came_from, team, worker, enquiry = S.DRAFT, None, None, None
        history = []
        for step, (to, at) in enumerate(zip(path.moves, times, strict=True)):
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
            if to == S.WITH_MASH and path.opens_enquiry:
                worker = self._user(Role.MASH_SOCIAL_WORKER)
            if to in (S.PASSED_TO_ALLOCATED_WORKER, S.ASSIGNED_TO_PREVIOUS_TEAM):
                team, worker = route.team, (route.workers or (None,))[0]
            fields.update(
                status=to, assigned_team_id=team.pk if team else None, assigned_to_id=worker
            )
            if to == S.SUBMITTED:
                fields["submitted_at"] = at
            walk.move(
                came_from,
                to,
                at,
                received=received,
                team=team,
                worker=worker,
                more_workers=route.workers[1:] if to == S.PASSED_TO_ALLOCATED_WORKER else (),
            )
            if to == S.WITH_MASH and path.opens_enquiry:
                until = times[step + 1] if step + 1 < len(times) else self.now
                enquiry = self._open_enquiry(walk, at, until, worker)
            history.append((dict(fields), at, mover, f"Moved to {to.label}"))
            came_from = to
        if came_from == S.WITH_MASH:
            self._decide_enquiry(enquiry, walk, path, self.now, None, open_work=True)
        if not open_work:
            walk.finish(times[-1] if times else received, self.now, rng)
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
                # The contact's received time once it is submitted (`lifecycle.contact_move`).
                received_at=received if path.moves else None,
                **row,
            )
        self._write_clocks(walk, officer)
        self._write_grants(walk)
        self._reads(contact_id, fields, people, walk)
        self.by_path[path.name] = self.by_path.get(path.name, 0) + 1

    def _times(self, path: Path, received: dt.datetime, *, open_work: bool) -> list[dt.datetime]:
        """When each move happened: submitted minutes after receipt, then hours to days apart
        (moves that would run past now are squeezed to end before it)."""
        rng, at, times = self.rng, received, []
        gaps = {
            S.SUBMITTED: (0.02, 0.2),
            S.AWAITING_RATING: (0.5, 30),
            S.WITH_MASH: (0.5, 30),
            S.WITH_EARLY_HELP: (1, 72),
            S.INFORMATION_ONLY: (0.5, 30),
            S.PASSED_TO_ALLOCATED_WORKER: (0.5, 30),
            S.ASSIGNED_TO_PREVIOUS_TEAM: (0.5, 30),
            S.INFORMATION_AND_ADVICE: (1, 30),
            S.REFERRED_TO_SOCIAL_WORK: (2, 120),
            S.CLOSED_NFA: (2, 240),
        }
        for to in path.moves:
            at = at + HOUR * rng.uniform(*gaps[to])
            times.append(at)
        if times and times[-1] >= self.now:
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
        worker = self.rng.choice(self.staff.social_workers[team.pk])
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
            self._involve(row["person_id"], team, worker, at, closed if ended else None, by)

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
