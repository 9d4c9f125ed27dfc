"""Roles are a fixed enum, each seeded as an auth Group; their model-level permissions are data here."""

from django.db import models


class Role(models.TextChoices):
    SCREENING_OFFICER = "screening_officer", "Screening officer"
    SENIOR_PRACTITIONER = "senior_practitioner", "Senior practitioner"
    MASH_SOCIAL_WORKER = "mash_social_worker", "MASH social worker"
    MASH_MANAGER = "mash_manager", "MASH manager"
    PARTNER_AGENCY_USER = "partner_agency_user", "Partner agency user"
    EARLY_HELP_DUTY_MANAGER = "early_help_duty_manager", "Early help duty manager"
    EARLY_HELP_WORKER = "early_help_worker", "Early help worker"
    TEAM_MANAGER = "team_manager", "Team manager"
    SERVICE_MANAGER = "service_manager", "Service manager"
    ADMINISTRATOR = "administrator", "Administrator"


# Global (model-level) permissions per role, as "app_label.codename".
# Object-level permissions (a contact passed to one worker, a team's contacts) are
# granted by the services that cause them, never here.
_FRONT_DOOR_READ = [
    "referrals.view_person",
    "referrals.view_contact",
    "referrals.search_person",
]


# Warnings on a person (referrals.person_warnings): staff who read a person propose one; a
# manager agrees, reviews and ends it.
_PROPOSE_WARNING = "referrals.add_personwarning"
_AGREE_WARNING = "referrals.agree_personwarning"


def _configure(app_label: str, models: list[str]) -> list[str]:
    return [f"{app_label}.{verb}_{m}" for m in models for verb in ("view", "add", "change")]


ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.SCREENING_OFFICER: [
        _PROPOSE_WARNING,
        *_FRONT_DOOR_READ,
        "referrals.add_contact",
        "referrals.change_contact",
        "referrals.screen_contact",
        "referrals.add_person",
        "referrals.change_person",
    ],
    Role.SENIOR_PRACTITIONER: [
        _PROPOSE_WARNING,
        *_FRONT_DOOR_READ,
        "referrals.add_contact",
        "referrals.change_contact",
        "referrals.screen_contact",
        "referrals.rate_contact",
        "referrals.correct_contact",
        "mash.view_dailydiscussion",
        "referrals.add_person",
        "referrals.change_person",
    ],
    # Partner agency users get no model-level permission on requests or answers: only
    # object permissions on their own agency's requests, through the agency's group.
    Role.MASH_SOCIAL_WORKER: [
        _PROPOSE_WARNING,
        *_FRONT_DOOR_READ,
        "mash.view_enquiry",
        "mash.change_enquiry",
        "mash.add_consentdecision",
        "mash.view_consentdecision",
        "mash.add_partnerrequest",
        "mash.view_partnerrequest",
        "mash.view_partneranswer",
        "mash.add_strategydiscussion",
        "mash.view_strategydiscussion",
        "mash.view_disagreement",
    ],
    Role.MASH_MANAGER: [
        _PROPOSE_WARNING,
        _AGREE_WARNING,
        *_FRONT_DOOR_READ,
        "accounts.view_accesslog",
        "accounts.add_lockoutrelease",
        "privacy.view_unusual_access",
        "mash.view_dailydiscussion",
        "mash.chair_dailydiscussion",
        "thresholds.view_deadline",
        "mash.add_enquiry",
        "mash.change_enquiry",
        "mash.view_enquiry",
        "mash.decide_enquiry",
        "mash.add_consentdecision",
        "mash.change_consentdecision",
        "mash.view_consentdecision",
        "mash.add_partnerrequest",
        "mash.change_partnerrequest",
        "mash.view_partnerrequest",
        "mash.view_partneranswer",
        # Merging two records of one child (referrals/merging.py): managers only.
        "referrals.merge_person",
        "mash.add_strategydiscussion",
        "mash.view_strategydiscussion",
        "mash.view_disagreement",
        "mash.resolve_disagreement",
    ],
    # submit_merlin is checked together with the user's agency being the police
    # (referrals.merlin.services.can_submit_merlin): other partners hold it but cannot use it.
    Role.PARTNER_AGENCY_USER: ["referrals.submit_merlin", "mash.answer_partnerrequest"],
    # Early help staff see contacts only through object permissions (a green contact is
    # granted to the duty managers when it is routed to them, a case to its family worker).
    Role.EARLY_HELP_DUTY_MANAGER: [
        _PROPOSE_WARNING,
        _AGREE_WARNING,
        # Finding whether a family is known lists who is known; opening a person or a contact
        # still needs a grant (referrals.search.find_for_user).
        "referrals.search_person",
        "mash.view_dailydiscussion",
        "accounts.add_lockoutrelease",
        "thresholds.view_deadline",
        "early_help.add_earlyhelpdecision",
        "early_help.view_earlyhelpdecision",
        "early_help.record_consent",
        "early_help.view_familyworkcase",
        "early_help.change_familyworkcase",
        "early_help.view_earlyhelppanel",
        "early_help.chair_earlyhelppanel",
        "early_help.view_stepdown",
    ],
    Role.EARLY_HELP_WORKER: [
        "early_help.view_earlyhelppanel",
        _PROPOSE_WARNING,
        "referrals.search_person",
    ],
    # Team managers see their own team's work only, through the object permissions granted to
    # their team's group (accounts.services.user_set_team keeps them in it): no role-wide read
    # of contacts or people, or a Children in Need manager could open a child protection case.
    Role.TEAM_MANAGER: [
        _PROPOSE_WARNING,
        _AGREE_WARNING,
        "referrals.search_person",
        "referrals.view_team_contacts",
        "referrals.oversee_contact",
        "thresholds.view_deadline",
        "accounts.view_accesslog",
        "accounts.add_lockoutrelease",
        "privacy.view_unusual_access",
        "mash.view_dailydiscussion",
        "early_help.add_stepdown",
        "reporting.view_management_information",
        "reporting.view_statutory_returns",
    ],
    # The service manager runs the Contact Service: the figures, the quarterly and six-monthly
    # reports (writes and signs them off) and the statutory returns. Figures are derived from
    # personal data, so nobody else sees them; the click-through to the contacts behind a
    # figure still needs object permission on each contact.
    Role.SERVICE_MANAGER: [
        _PROPOSE_WARNING,
        _AGREE_WARNING,
        *_FRONT_DOOR_READ,
        "referrals.merge_person",
        "thresholds.view_deadline",
        "accounts.view_accesslog",
        "accounts.add_lockoutrelease",
        "accounts.unlock_any",
        "reporting.view_management_information",
        "reporting.view_statutory_returns",
        "reporting.write_report",
        "reporting.sign_off_report",
        # Data protection (privacy, ADR 0014): the service manager answers for retention,
        # destruction, legal holds and subject access requests.
        "privacy.view_legalhold",
        "privacy.place_legal_hold",
        "privacy.review_retention",
        "privacy.approve_destruction",
        "privacy.handle_subject_access",
        # The weekly report of reads by staff with no work on the child (privacy.unusual).
        "privacy.view_unusual_access",
    ],
    # Administrators configure the service (users, teams, agencies, council profiles,
    # thresholds, closure days, message wording) and see the outbox and the access log.
    # They hold no case-data permission: reading a child's record needs a break glass
    # (accounts.break_glass, ADR 0009).
    Role.ADMINISTRATOR: [
        "accounts.view_accesslog",
        "accounts.add_lockoutrelease",
        "accounts.unlock_any",
        "accounts.view_breakglass",
        "accounts.view_outboundemail",
        *_configure("accounts", ["user", "team", "partneragency"]),
        "accounts.view_messagetemplate",
        "accounts.change_messagetemplate",
        *_configure(
            "thresholds",
            [
                "councilprofile",
                "timescale",
                "thresholdlevel",
                "thresholdindicator",
                "closureday",
            ],
        ),
        # How long each kind of record is kept (privacy, ADR 0014): rules are configuration.
        "privacy.view_retentionrule",
        "privacy.change_retentionrule",
    ],
}


def sync_role_permissions(using: str = "default") -> None:
    """Give each role group exactly the permissions listed in ROLE_PERMISSIONS.

    All the permissions are read in one query: this runs after every migrate and after every
    flush of a transactional test (post_migrate), so a query per permission added up."""
    from django.contrib.auth.models import Group, Permission

    app_labels = {dotted.split(".")[0] for listed in ROLE_PERMISSIONS.values() for dotted in listed}
    by_dotted: dict[str, Permission] = {}
    for perm in (
        Permission.objects.using(using)
        .filter(content_type__app_label__in=app_labels)
        .select_related("content_type")
    ):
        by_dotted.setdefault(f"{perm.content_type.app_label}.{perm.codename}", perm)
    for role in Role:
        group, _ = Group.objects.using(using).get_or_create(name=role.value)
        wanted = [
            by_dotted[dotted] for dotted in ROLE_PERMISSIONS.get(role, []) if dotted in by_dotted
        ]
        group.permissions.set(wanted)
