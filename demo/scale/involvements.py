"""Children open to social care, and the screening routes that follow from it (a part of
`demo.scale.work.Work`).

A referral to a social work team opens a social care involvement for each child on the
contact (`referrals.services.involvement_open`: the team, one of its social workers as the
allocated worker, `view_person` for that worker), closed when the child's CIN episode closes
(`involvement_close`). A later contact is screened as `referrals.services.screening_route`
would screen it on its day: a child open to social care sends it to the allocated workers
("passed to allocated worker", held by the team and the workers), a case closed within the
profile's months sends it to the team that last worked with the child ("assigned to previous
team"). Information-only contacts are closed before that check (as the route does), and
contacts bound for the MASH or still open are not rerouted, so the enquiries and open clocks
asked for are kept.
"""

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

from referrals import lifecycle
from referrals.models import ContactRole, Involvement, KnownStatus, Service

from .replay import Path

S = lifecycle.S
PASSED = Path("passed to allocated worker", (S.SUBMITTED, S.PASSED_TO_ALLOCATED_WORKER))
ASSIGNED = Path("assigned to previous team", (S.SUBMITTED, S.ASSIGNED_TO_PREVIOUS_TEAM))
CLOSURE = "Case closed (synthetic)."


@dataclass(frozen=True)
class Open:
    """One child's social care involvement, as the generator remembers it."""

    opened_on: dt.date
    closed_on: dt.date | None
    team: object  # accounts.models.Team
    worker: int


@dataclass(frozen=True)
class Route:
    path: Path
    team: object  # accounts.models.Team
    workers: tuple[int, ...]
    known: str


class Involvements:
    """Involvements opened by referrals and the screening routes they cause; `Work` provides
    the loader, rng, staff, profile and `_history`."""

    def _involve(
        self, person: int, team, worker: int, at: dt.datetime, closed: dt.date | None, by: int
    ) -> None:
        """`involvement_open` at the referral, and `involvement_close` when the episode ends."""
        values = dict(
            person_id=person,
            service=Service.SOCIAL_CARE,
            team_id=team.pk,
            allocated_worker_id=worker,
            opened_on=at.date(),
            closed_on=None,
            closure_reason="",
        )
        final = values | (dict(closed_on=closed, closure_reason=CLOSURE) if closed else {})
        pk = self.loader[Involvement].add(**final)
        self._history(Involvement, pk, values, at=at, by=by, reason="Referred to social care")
        if closed:
            self.loader.history_of(
                Involvement,
                pk,
                at=dt.datetime.combine(closed, dt.time(17), tzinfo=dt.UTC),
                by=by,
                reason=f"Case closed: {CLOSURE}",
                kind="~",
            )
        self.involved.setdefault(person, []).append(Open(at.date(), closed, team, worker))

    def _route(self, path: Path, children: list[int], day: dt.date, *, open_work: bool):
        """How screening on `day` routes a contact about `children` that would otherwise take
        `path` to a rating: None to keep `path`."""
        if open_work or path.moves[:2] != (S.SUBMITTED, S.AWAITING_RATING) or path.next_step:
            return None
        if path.outcome == "mash":
            return None
        involvements = [i for c in children for i in self.involved.get(c, ()) if i.opened_on <= day]
        current = sorted(
            (i for i in involvements if i.closed_on is None or i.closed_on > day),
            key=lambda i: i.opened_on,
            reverse=True,
        )
        if current:
            workers = tuple(dict.fromkeys(i.worker for i in current))
            return Route(PASSED, current[0].team, workers, KnownStatus.OPEN_SOCIAL_CARE)
        if not self.profile.route_recently_closed_to_last_team:
            return None
        since = day - relativedelta(months=self.profile.recently_closed_months)
        recent = [i for i in involvements if i.closed_on and since <= i.closed_on <= day]
        if recent:
            latest = max(recent, key=lambda i: i.closed_on)
            return Route(ASSIGNED, latest.team, (), KnownStatus.CLOSED_SOCIAL_CARE)
        return None

    @staticmethod
    def _known(people: list[dict], route) -> None:
        if route is not None:
            for row in people:
                if row["role"] == ContactRole.CHILD:
                    row["known_status"] = route.known


def involvement_grants_sql(first_involvement: int) -> tuple[str, list[int]]:
    """`involvement_open`'s `view_person` for the allocated worker, for this run's
    involvements (one statement: a worker allocated twice holds it once)."""
    return (
        "INSERT INTO referrals_personuserobjectpermission "
        "(permission_id, user_id, content_object_id) "
        "SELECT DISTINCT vp.id, i.allocated_worker_id, i.person_id FROM referrals_involvement i "
        "JOIN django_content_type ct ON ct.app_label = 'referrals' AND ct.model = 'person' "
        "JOIN auth_permission vp ON vp.content_type_id = ct.id AND vp.codename = 'view_person' "
        "WHERE i.allocated_worker_id IS NOT NULL AND i.id >= %s "
        "ON CONFLICT DO NOTHING",
        [first_involvement],
    )
