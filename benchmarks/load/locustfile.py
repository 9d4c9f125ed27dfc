"""Locust users for the loopback load test (benchmarks/load_benchmark.py; README "Load").

One user class per role, each doing that role's day in proportion: mostly reading its queues,
dashboard and work tray and opening the records on them, sometimes searching for a person, and
now and then changing something through the real forms (a screening officer logs and submits a
contact, a senior practitioner rates one, a partner answers a request). Every record is picked
from links on the pages the user has just read, never by a hard-coded id. Sign-in goes through
the real form with its CSRF token; two-factor must be off (the runner sets
TWO_FACTOR_REQUIRED=false). Successful sign-ins never count towards the lockouts
(accounts/lockout.py counts failures only), so no lockout setting is changed.

Environment (set by the runner):
    LOAD_USERNAMES   `demo` (seed_demo's users, the default) or `scale` (generate_council's
                     `scale-<role>-<n>`)
    LOAD_PASSWORD    the users' password (default demo-contact-2026)
    LOAD_SCALE_STAFF with `scale`: spread each role over users 1..N (default 1)
    LOAD_WAIT        think time between a user's tasks, "min,max" seconds (default 2,6)
    LOAD_USERS       how many users the run starts: each starts working only once all of
                     them have signed in (or given up), after one think time, so the work is
                     measured in the steady state and not behind the sign-in rush (each
                     sign-in is a deliberate ~0.5 s of password hashing); 0 starts each user
                     working as soon as it has signed in

Requests are named by endpoint group ("contact page", "MASH queue"), so Locust's statistics
are per group, not per record.
"""

from __future__ import annotations

import itertools
import os
import random
import re
from html import unescape

import gevent
import gevent.event
from htmlforms import fill, forms_on
from locust import HttpUser, between, task
from locust.exception import StopUser

PASSWORD = os.environ.get("LOAD_PASSWORD", "demo-contact-2026")
USERNAMES = os.environ.get("LOAD_USERNAMES", "demo")
SCALE_STAFF = max(1, int(os.environ.get("LOAD_SCALE_STAFF", "1")))
WAIT_MIN, WAIT_MAX = (float(x) for x in os.environ.get("LOAD_WAIT", "2,6").split(","))
USERS = int(os.environ.get("LOAD_USERS", "0"))
SIGN_IN_WAIT = 300  # seconds a signed-in user waits for the others at most

# Demo logins (README "Demo logins"); partner users are spread over the MASH agencies.
DEMO_USERNAMES = {
    "screening_officer": ["screening"],
    "senior_practitioner": ["senior"],
    "mash_social_worker": ["mashworker"],
    "mash_manager": ["mashmanager"],
    "partner_agency_user": ["police", "health", "education", "probation", "domesticabuse"],
    "early_help_duty_manager": ["ehmanager"],
    "team_manager": ["teammanager"],
    "service_manager": ["servicemanager"],
}

# The URL names each user class visits (checked against the URLconf by
# tests/benchmarks/test_load_benchmark.py); paths below must match these.
CONTACT = re.compile(r'href="(/contacts/(\d+)/)"')
ENQUIRY = re.compile(r'href="(/mash/enquiries/(\d+)/)"')
PARTNER_REQUEST = re.compile(r'href="(/partner/requests/(\d+)/)"')
WORKER_TRAY = re.compile(r'href="(/team/workers/(\d+)/)"')
EH_CASE = re.compile(r'href="(/early-help/cases/(\d+)/)"')
PERSON = re.compile(r'<a[^>]*href="(/people/(\d+)/)"[^>]*>\s*([^<]+?)\s*</a>')
FORM_ERRORS = "govuk-error-summary"

_counter = itertools.count()
_settled = itertools.count(1)  # users whose sign-in has ended, either way
_everyone_signed_in = gevent.event.Event()


def _sign_in_ended() -> None:
    if next(_settled) >= USERS:
        _everyone_signed_in.set()


def pick(pattern: re.Pattern, html: str) -> str | None:
    found = list(dict.fromkeys(m.group(1) for m in pattern.finditer(html)))
    return random.choice(found) if found else None


class StaffUser(HttpUser):
    """Signs in through the real form once, then works; the role's tasks live in subclasses."""

    abstract = True
    role = ""
    wait_time = between(WAIT_MIN, WAIT_MAX)

    def on_start(self) -> None:
        self.people: dict[str, str] = {}  # person page path -> name, as seen on pages
        self.username = self._username()
        page = self.client.get("/accounts/login/", name="sign in (form)")
        data = self._form_data(page.text, "/accounts/login/", {})
        data = [(k, v) for k, v in data if k not in {"username", "password"}]
        data += [("username", self.username), ("password", PASSWORD)]
        try:
            with self.client.post(
                "/accounts/login/", data=data, name="sign in", catch_response=True
            ) as response:
                if "/accounts/login/" in response.url or "/two-factor/" in response.url:
                    response.failure(f"{self.username} could not sign in")
                    raise StopUser
                response.success()
        finally:
            _sign_in_ended()
        if USERS:
            _everyone_signed_in.wait(timeout=SIGN_IN_WAIT)
            gevent.sleep(random.uniform(WAIT_MIN, WAIT_MAX))  # not all at once

    def _username(self) -> str:
        n = next(_counter)
        if USERNAMES == "scale":
            return f"scale-{self.role.replace('_', '-')}-{n % SCALE_STAFF + 1}"
        names = DEMO_USERNAMES[self.role]
        return names[n % len(names)]

    # Reading -----------------------------------------------------------------------------------

    def read(self, path: str, name: str, **params) -> str:
        """GET a page; a sign-in page or an error instead of it is a failure."""
        with self.client.get(path, params=params or None, name=name, catch_response=True) as r:
            if r.status_code >= 400:
                r.failure(f"HTTP {r.status_code}")
                return ""
            if "/accounts/login/" in r.url:
                r.failure("signed out")
                return ""
            r.success()
            for m in PERSON.finditer(r.text):
                self.people[m.group(1)] = unescape(m.group(3))
            return r.text

    def open_from(self, html: str, pattern: re.Pattern, name: str) -> str:
        path = pick(pattern, html)
        return self.read(path, name) if path else ""

    def person_page(self) -> None:
        if self.people:
            self.read(random.choice(list(self.people)), "person page")

    def person_search(self) -> None:
        """Search as staff do: a name they have just seen on a page, sometimes a first name too."""
        if not self.people:
            return
        words = random.choice(list(self.people.values())).split()
        params = {"search": "", "last_name": words[-1]}
        if len(words) > 1 and random.random() < 0.5:
            params["first_name"] = words[0]
        html = self.read("/people/", "person search", **params)
        if random.random() < 0.5:
            self.open_from(html, re.compile(r'href="(/people/\d+/)"'), "person page")

    # Changing ----------------------------------------------------------------------------------

    def _form_data(self, html: str, action: str, overrides: dict) -> list[tuple[str, str]]:
        for form in forms_on(html):
            if form.method == "post" and (form.action or action).split("?")[0].endswith(
                action.split("?")[0]
            ):
                return fill(form, overrides)
        return []

    def submit(
        self,
        page_path: str,
        html: str,
        overrides: dict,
        name: str,
        action: str = "",
        lost_race: str = "",
    ):
        """POST the page's form (the one whose action is `action`, default the page itself) as a
        user who answered it; re-rendered with an error summary counts as a failure, except the
        service's refusal `lost_race` (another user of the same role got there first: the
        service working, not an error), counted on its own as a RACE row."""
        target = action or page_path
        data = self._form_data(html, target, overrides)
        if not data:
            return None
        with self.client.post(
            target, data=data, name=name, catch_response=True, headers={"Referer": page_path}
        ) as r:
            if r.status_code >= 400:
                r.failure(f"HTTP {r.status_code}")
                return None
            if FORM_ERRORS in r.text and r.url.split("?")[0].endswith(target.split("?")[0]):
                summary = re.search(r'govuk-error-summary__list">(.*?)</ul>', r.text, re.S)
                text = re.sub(r"<[^>]+>|\s+", " ", summary.group(1) if summary else "").strip()
                if lost_race and lost_race in text:
                    r.success()
                    self.environment.events.request.fire(
                        request_type="RACE",
                        name=f"{name} (someone else first)",
                        response_time=0,
                        response_length=0,
                        exception=None,
                        context={},
                    )
                    return None
                r.failure(f"form refused: {text[:200]}")
                return None
            r.success()
            return r


class ScreeningOfficer(StaffUser):
    """New contacts all day: reads the queues and contacts, searches, logs phone contacts."""

    role = "screening_officer"
    weight = 10

    @task(4)
    def new_contacts(self):
        html = self.read("/contacts/new/", "queue: new contacts")
        self.open_from(html, CONTACT, "contact page")

    @task(2)
    def in_progress(self):
        self.read("/contacts/in-progress/", "queue: in progress")

    @task(2)
    def work_tray(self):
        html = self.read("/work/", "work tray")
        self.open_from(html, CONTACT, "contact page")

    @task(1)
    def home(self):
        self.read("/", "home")

    @task(2)
    def search(self):
        self.person_search()

    @task(1)
    def person(self):
        self.person_page()

    @task(1)
    def log_contact(self):
        """A phone contact from an anonymous caller about a child already known."""
        if not self.people:
            return
        html = self.read("/contacts/start/", "contact: start (form)")
        r = self.submit("/contacts/start/", html, {"source": "phone"}, "contact: start")
        if r is None:
            return
        match = re.search(r"/contacts/(\d+)/edit/", r.url)
        if not match:
            return
        edit = f"/contacts/{match.group(1)}/edit/"
        for section, overrides in (
            ("referrer", {"referral_source": "9"}),  # anonymous: no name or phone needed
            ("concerns", {}),
            ("family", {"family_aware": "yes", "family_agrees": "yes"}),
        ):
            page = f"{edit}{section}/"
            html = self.read(page, "contact: section (form)")
            if self.submit(page, html, overrides, "contact: save section") is None:
                return
        # Find the child as a screener does (search first), then link them from the results.
        words = random.choice(list(self.people.values())).split()
        find = f"/contacts/{match.group(1)}/people/find/"
        html = self.read(find, "contact: find person", role="child", search="", last_name=words[-1])
        link = re.search(r'action="(/contacts/\d+/people/link/\d+/[^"]*)"', html)
        if not link:
            return
        action = unescape(link.group(1))
        if self.submit(find, html, {}, "contact: link person", action=action) is None:
            return
        check = f"/contacts/{match.group(1)}/check/"
        html = self.read(check, "contact: check answers")
        self.submit(check, html, {}, "contact: submit")


class SeniorPractitioner(StaffUser):
    """Rates the contacts screened for rating; reads the front door's queues and the work tray."""

    role = "senior_practitioner"
    weight = 4

    @task(3)
    def awaiting_rating(self):
        html = self.read("/contacts/awaiting-rating/", "queue: awaiting rating")
        self.open_from(html, CONTACT, "contact page")

    @task(2)
    def new_contacts(self):
        self.read("/contacts/new/", "queue: new contacts")

    @task(1)
    def work_tray(self):
        html = self.read("/work/", "work tray")
        self.open_from(html, CONTACT, "contact page")

    @task(1)
    def search(self):
        self.person_search()

    @task(1)
    def rate(self):
        html = self.read("/contacts/awaiting-rating/", "queue: awaiting rating")
        contact = pick(CONTACT, html)
        if not contact:
            return
        page = f"{contact}rate/"
        html = self.read(page, "contact: rate (form)")
        if 'name="rag"' in html:  # still awaiting rating (else the contact page says so)
            self.submit(
                page,
                html,
                {},
                "contact: rate",
                lost_race="not waiting for an initial rating",
            )


class MashSocialWorker(StaffUser):
    """Works enquiries: the MASH queue, enquiry pages, the contacts and people on them."""

    role = "mash_social_worker"
    weight = 8

    @task(4)
    def mash_queue(self):
        html = self.read("/mash/", "MASH queue")
        self.open_from(html, ENQUIRY, "enquiry page")

    @task(2)
    def work_tray(self):
        html = self.read("/work/", "work tray")
        self.open_from(html, ENQUIRY, "enquiry page")

    @task(2)
    def contact(self):
        html = self.read("/mash/", "MASH queue")
        self.open_from(html, CONTACT, "contact page")

    @task(1)
    def person(self):
        self.person_page()

    @task(1)
    def search(self):
        self.person_search()

    @task(1)
    def contact_from_tray(self):
        html = self.read("/work/", "work tray")
        self.open_from(html, CONTACT, "contact page")


class MashManager(StaffUser):
    """Oversees the MASH: queue, enquiries, dashboard, work tray, disagreements, discussion."""

    role = "mash_manager"
    weight = 2

    @task(3)
    def mash_queue(self):
        html = self.read("/mash/", "MASH queue")
        self.open_from(html, ENQUIRY, "enquiry page")

    @task(2)
    def dashboard(self):
        self.read("/dashboard/", "dashboard")

    @task(1)
    def work_tray(self):
        html = self.read("/work/", "work tray")
        self.open_from(html, CONTACT, "contact page")

    @task(1)
    def disagreements(self):
        self.read("/mash/disagreements/", "disagreements")

    @task(1)
    def discussion(self):
        self.read("/daily-discussion/", "daily discussion")


class PartnerAgencyUser(StaffUser):
    """Answers the MASH's requests for checks in the agency's inbox."""

    role = "partner_agency_user"
    weight = 8

    @task(4)
    def inbox(self):
        html = self.read("/partner/requests/", "partner inbox")
        self.open_from(html, PARTNER_REQUEST, "partner request page")

    @task(1)
    def answer(self):
        html = self.read("/partner/requests/", "partner inbox")
        # Requests still to answer are the ones with an answer form on their page.
        for path in random.sample(
            found := list(dict.fromkeys(m.group(1) for m in PARTNER_REQUEST.finditer(html))),
            min(3, len(found)),
        ):
            page = self.read(path, "partner request page")
            if 'value="submit"' in page:
                self.submit(path, page, {"action": "submit"}, "partner request: answer")
                return


class EarlyHelpDutyManager(StaffUser):
    """Reads the contacts sent to early help (deciding them is not modelled), dashboard, cases."""

    role = "early_help_duty_manager"
    weight = 3

    @task(3)
    def queue(self):
        html = self.read("/early-help/", "early help queue")
        self.open_from(html, CONTACT, "contact page")

    @task(2)
    def dashboard(self):
        self.read("/dashboard/", "dashboard")

    @task(1)
    def cases(self):
        html = self.read("/early-help/cases/", "early help cases")
        self.open_from(html, EH_CASE, "early help case page")

    @task(1)
    def person(self):
        self.person_page()


class TeamManager(StaffUser):
    """Reads the team's queue, the workers' trays and the dashboard; looks people up."""

    role = "team_manager"
    weight = 3

    @task(3)
    def team_queue(self):
        html = self.read("/contacts/team/", "queue: team")
        self.open_from(html, CONTACT, "contact page")

    @task(2)
    def workers(self):
        html = self.read("/team/workers/", "team workers")
        self.open_from(html, WORKER_TRAY, "worker tray")

    @task(1)
    def dashboard(self):
        self.read("/dashboard/", "dashboard")

    @task(1)
    def search(self):
        self.person_search()


class ServiceManager(StaffUser):
    """Watches the whole front door: the dashboard and the management information."""

    role = "service_manager"
    weight = 1

    @task(3)
    def dashboard(self):
        self.read("/dashboard/", "dashboard")

    @task(1)
    def management_information(self):
        self.read("/reporting/", "management information")

    @task(1)
    def home(self):
        self.read("/", "home")


USER_CLASSES = [
    ScreeningOfficer,
    SeniorPractitioner,
    MashSocialWorker,
    MashManager,
    PartnerAgencyUser,
    EarlyHelpDutyManager,
    TeamManager,
    ServiceManager,
]
