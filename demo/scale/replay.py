"""A contact's path replayed against `referrals.lifecycle`'s tables: its grants and clocks.

Nothing here is invented: `Walk.move` applies `contact_move`'s rules to the lifecycle's own
tables (`HOLDS`: who holds a contact in each state and with what access; `CLOSED`: where the
last holders keep read; `STARTS` / `MEETS`: the clocks a move starts and meets), on ids
rather than rows, so the generated end state is what the services would have left
(docs/adr/0008-access-follows-the-work.md). No database access: `demo.scale.work` writes
what a walk leaves.
"""

import datetime as dt
import random
from dataclasses import dataclass, field

from accounts.models import Team
from accounts.roles import Role
from mash.models import NextStep
from referrals import lifecycle
from thresholds import clock
from thresholds.models import ClockKind, ClosureDay, CouncilProfile, Rag
from thresholds.services import DUE_SOON_SHARE, timescale_for

S = lifecycle.S


@dataclass(frozen=True)
class Path:
    """One way through the process: the states after DRAFT, and what the walk records."""

    name: str
    moves: tuple[lifecycle.ContactStatus, ...]
    rags: tuple[str, ...] = ("",)  # the rating, drawn evenly
    outcome: str = ""  # the initial rating's outcome (RatingOutcome)
    next_step: str = ""  # a MASH decision's next step, for paths through the MASH
    opens_enquiry: bool = True  # with the MASH: an enquiry is opened and given to a worker


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
        30,
        21,
    ),
    # Waiting for the MASH manager to open an enquiry (the MASH queue's "unopened" view).
    (
        Path(
            "with the MASH, no enquiry yet",
            (S.SUBMITTED, S.AWAITING_RATING, S.WITH_MASH),
            (R, A, A),
            "mash",
            opens_enquiry=False,
        ),
        4,
        2,
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


@dataclass(frozen=True)
class Rules:
    """The ids a walk needs: role and team groups, the profile's team of each kind."""

    due: Due
    role_groups: dict[str, int]  # role value -> group id
    team_groups: dict[int, int]  # team id -> group id
    teams: dict[str, Team]  # TeamKind -> the profile's team of that kind
    request_type: int  # the content type of a partner request (a partner check's subject)


@dataclass
class Walk:
    """One contact's grants and clocks as its moves are replayed."""

    rules: Rules
    contact_id: int
    rag: str
    grants: dict[tuple[str, int], set[str]] = field(default_factory=dict)
    running: dict[str, dict] = field(default_factory=dict)  # "kind:subject" -> the clock's row
    done: list[dict] = field(default_factory=list)

    # --- clocks --------------------------------------------------------------------------

    def start(
        self,
        kind: str,
        at: dt.datetime,
        *,
        team: Team | None,
        role: Role,
        subject: int | None = None,
        description: str = "",
    ) -> None:
        """`thresholds.services.deadline_start`'s row (due by the profile, warned at 75%)."""
        due = self.rules.due(kind, at, self.rag)
        self.running[f"{kind}:{subject}"] = dict(
            kind=kind,
            contact_id=self.contact_id,
            team_id=team.pk if team else None,
            responsible_id=None,
            responsible_role=str(role),
            rag=self.rag,
            started_at=at,
            due_at=due,
            warn_at=due - (due - at) * DUE_SOON_SHARE,
            subject_type_id=self.rules.request_type if subject else None,
            subject_id=subject,
            description=description or ClockKind(kind).label,
        )

    def end(self, key: str, at: dt.datetime, *, met: bool, reason: str = "") -> None:
        """Meet (or close as no longer needed) a running clock."""
        row = self.running.pop(key, None)
        if row is None:
            return
        row["met_at" if met else "closed_at"] = at
        if not met:
            row["closed_reason"] = reason[:300]
        self.done.append(row)

    def finish(self, last: dt.datetime, now: dt.datetime, rng: random.Random) -> None:
        """Closed work's clocks that outlive its last move (advice given, a team's amber
        decision) were met later, unless that is still to come."""
        for key, row in list(self.running.items()):
            met = last + (row["due_at"] - row["started_at"]) * rng.uniform(0.3, 1.4)
            if met < now:
                self.end(key, met, met=True)

    def _clocks(self, came_from, to, at: dt.datetime, received: dt.datetime, team) -> None:
        """`lifecycle._clocks`: meet what the contact leaves, close all on closing, start what
        it arrives at (the checks clock by RAG; an amber referral's team clock)."""
        meets = lifecycle.MEETS.get(came_from, ())
        for key in [k for k in self.running if k.split(":")[0] in meets]:
            self.end(key, at, met=True)
        if to in lifecycle.CLOSED:
            for key in list(self.running):
                self.end(key, at, met=False, reason=f"{to.label}. Closed (synthetic).")
        for start in lifecycle.STARTS.get(to, ()):
            if start.arriving_from is not None and came_from not in start.arriving_from:
                continue
            kind = start.kind
            if to == S.WITH_MASH:
                kind = ClockKind.RED_CHECKS if self.rag == R else ClockKind.AMBER_CHECKS
            self.start(
                kind,
                received if kind == ClockKind.SCREENING else at,
                team=self.rules.teams.get(start.team_kind),
                role=start.role,
            )
        if to == S.REFERRED_TO_SOCIAL_WORK and came_from == S.AWAITING_RATING and self.rag == A:
            self.start(
                ClockKind.AMBER_CHECKS,
                at,
                team=team,
                role=Role.TEAM_MANAGER,
                description="Amber child in need: the receiving team's decision",
            )

    # --- grants --------------------------------------------------------------------------

    def holders(
        self, to, *, team: Team | None, worker: int | None, more_workers: tuple[int, ...] = ()
    ) -> dict[tuple[str, int], str]:
        """`lifecycle.holders_for` on ids: who holds a contact in state `to`."""
        holds = lifecycle.HOLDS.get(to, lifecycle.Holds())
        out = {}
        if holds.role is not None:
            out[("group", self.rules.role_groups[holds.role.value])] = lifecycle.Access.READ
        if holds.team is not None and team is not None:
            out[("group", self.rules.team_groups[team.pk])] = holds.team
        if holds.worker is not None:
            for who in dict.fromkeys(w for w in (worker, *more_workers) if w is not None):
                out[("user", who)] = holds.worker
        return out

    def _regrant(self, to, new: dict) -> None:
        """`lifecycle._regrant`: earlier holders lose write, and read unless the work closed;
        new holders get read, and write if they hold it so."""
        for who in list(self.grants):
            if who in new:
                continue
            self.grants[who].discard("change_contact")
            if to not in lifecycle.CLOSED:
                self.grants[who].discard("view_contact")
            if not self.grants[who]:
                del self.grants[who]
        for who, access in new.items():
            self.grants[who] = {"view_contact"} | (
                {"change_contact"} if access == lifecycle.Access.WRITE else set()
            )

    def move(
        self,
        came_from,
        to,
        at: dt.datetime,
        *,
        received: dt.datetime,
        team: Team | None,
        worker: int | None,
        more_workers: tuple[int, ...] = (),
    ) -> None:
        """`contact_move` from `came_from` to `to` at `at`: grants, then clocks."""
        self._regrant(to, self.holders(to, team=team, worker=worker, more_workers=more_workers))
        if came_from != to:
            self._clocks(came_from, to, at, received, team)
