"""What destroying a record removes and what it keeps (ADR 0014, README "Retention and destruction").

Called only by privacy.services.record_destroy, inside its transaction, with the contact and
every person on it locked. The record's rows that the figures and returns count (the contact,
its ratings, referrals, CIN episodes, MASH enquiry, consent, partner requests and answers,
discussion items, strategy discussions, disagreements, decisions reopened after them, referral
handovers, early help
decisions, panel and family work cases, clocks, the MERLIN report) stay, emptied of every
free-text and identifying field; rows that only carry personal data (referrer notices and
their emails, team-around-the-family members, emails and notifications about the record,
object permissions) are deleted. Every history row of every
part of the record is deleted, and so are the access-log rows naming it (the access log is
itself personal data about the child). A person on no other retained record is emptied the
same way (the row stays so the census counts of the year still join); a person still on
another retained record keeps their data, and the destroyed record's links to them go.
"""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.audit import save_audited
from accounts.models import AccessLog, Notification, OutboundEmail, User
from early_help.models import (
    EarlyHelpDecision,
    FamilyWorkCase,
    FamilyWorkCaseGroupObjectPermission,
    FamilyWorkCaseUserObjectPermission,
    PanelCase,
    StepDown,
    StepUp,
    TafMember,
)
from mash.models import (
    ConsentDecision,
    Disagreement,
    DiscussionItem,
    Enquiry,
    EnquiryGroupObjectPermission,
    EnquiryUserObjectPermission,
    InformationShared,
    PartnerAnswer,
    PartnerRequest,
    PartnerRequestGroupObjectPermission,
    PartnerRequestUserObjectPermission,
    PreviousDecision,
    ReferralHandover,
    StrategyAction,
    StrategyAttendee,
    StrategyDiscussion,
)
from referrals.models import (
    Address,
    CinEpisode,
    Contact,
    ContactDuplicate,
    ContactGroupObjectPermission,
    ContactPerson,
    ContactUserObjectPermission,
    Ethnicity,
    Household,
    HouseholdMember,
    InformationResponse,
    Involvement,
    MerlinCopy,
    MerlinReport,
    MerlinSubject,
    Person,
    PersonGroupObjectPermission,
    PersonMerge,
    PersonRelationship,
    PersonSearchKey,
    PersonUserObjectPermission,
    Rating,
    Referral,
    ReferrerNotice,
    Sex,
)
from thresholds.models import Deadline

# Free text and identifying fields emptied on the rows that stay, per model.
CLEARED: dict[type[models.Model], dict[str, object]] = {
    Contact: {
        "requesting_body": "",
        "referrer_name": "",
        "referrer_organisation": "",
        "referrer_role": "",
        "referrer_relationship": "",
        "referrer_knowledge": "",
        "referrer_phone": "",
        "referrer_email": "",
        "referrer_address": "",
        "concerns": "",
        "alleged_perpetrator_details": "",
        "family_agreement_details": "",
        "signposting": "",
        "screening_rationale": "",
        "household": None,
    },
    Rating: {"rationale": ""},
    Referral: {"reason": "", "withdrawal_reason": ""},
    Enquiry: {"summary": "", "analysis": "", "recommended_action": "", "final_rationale": ""},
    ConsentDecision: {"rationale": ""},
    PartnerRequest: {"question": ""},
    PartnerAnswer: {"information_held": "", "analysis": ""},
    DiscussionItem: {"rationale": ""},
    StrategyDiscussion: {"decision": ""},
    StrategyAttendee: {"name": "", "role": ""},
    StrategyAction: {"action": "", "owner": ""},
    Disagreement: {"reasons": "", "outcome_reasons": ""},
    PreviousDecision: {"final_rationale": ""},
    ReferralHandover: {"handed_to": "", "how": ""},
    EarlyHelpDecision: {"rationale": "", "service": ""},
    FamilyWorkCase: {"closure_details": ""},
    PanelCase: {"reason": "", "rationale": "", "service": ""},
    StepDown: {"reasons": ""},
    MerlinReport: {
        "summary": "",
        "route_note": "",
        "decision_maker_name": "",
        "decision_maker_rank": "",
    },
    MerlinSubject: {"background_checks": ""},
    MerlinCopy: {"note": ""},
    InformationResponse: {"response": ""},
    Deadline: {"closed_reason": ""},
}

PERSON_CLEARED: dict[str, object] = {
    "nhs_number": None,
    "first_name": "Destroyed",
    "middle_names": "",
    "last_name": "record",
    "known_as": "",
    "date_of_birth": None,
    "expected_date_of_birth": None,
    "date_of_death": None,
    "sex": Sex.UNKNOWN,
    "ethnicity": Ethnicity.NOBT,
    "first_language": "",
    "interpreter_needed": False,
    "religion": "",
    "communication_needs": "",
    "special_needs": "",
    "address": None,
    "school_or_nursery": "",
    "phone": "",
    "email": "",
    "upn": "",
    "upn_unknown": "",
    "disabilities": [],
    "last_name_key": "",
    "first_name_key": "",
    "first_initial": "",
}


@dataclass
class RecordParts:
    """The primary keys of every row that is part of one contact's record, per model."""

    contact: Contact
    ids: dict[type[models.Model], list[int]] = field(default_factory=dict)

    def of(self, model: type[models.Model]) -> list[int]:
        return self.ids.get(model, [])


def _pks(qs) -> list[int]:
    return list(qs.order_by().values_list("pk", flat=True))


def record_parts(contact: Contact) -> RecordParts:
    """Every row hanging off the contact (one query per model, none per row)."""
    c = contact.pk
    parts = RecordParts(contact)
    parts.ids = {
        Contact: [c],
        ContactPerson: _pks(ContactPerson.objects.filter(contact=c)),
        Rating: _pks(Rating.objects.filter(contact=c)),
        Referral: _pks(Referral.objects.filter(contact=c)),
        CinEpisode: _pks(CinEpisode.objects.filter(referral__contact=c)),
        Enquiry: _pks(Enquiry.objects.filter(contact=c)),
        ConsentDecision: _pks(ConsentDecision.objects.filter(enquiry__contact=c)),
        PartnerRequest: _pks(PartnerRequest.objects.filter(enquiry__contact=c)),
        PartnerAnswer: _pks(PartnerAnswer.objects.filter(request__enquiry__contact=c)),
        InformationShared: _pks(InformationShared.objects.filter(referral__contact=c)),
        DiscussionItem: _pks(DiscussionItem.objects.filter(contact=c)),
        StrategyDiscussion: _pks(StrategyDiscussion.objects.filter(enquiry__contact=c)),
        StrategyAttendee: _pks(StrategyAttendee.objects.filter(discussion__enquiry__contact=c)),
        StrategyAction: _pks(StrategyAction.objects.filter(discussion__enquiry__contact=c)),
        Disagreement: _pks(Disagreement.objects.filter(enquiry__contact=c)),
        PreviousDecision: _pks(PreviousDecision.objects.filter(enquiry__contact=c)),
        ReferralHandover: _pks(ReferralHandover.objects.filter(referral__contact=c)),
        EarlyHelpDecision: _pks(EarlyHelpDecision.objects.filter(contact=c)),
        FamilyWorkCase: _pks(FamilyWorkCase.objects.filter(contact=c)),
        TafMember: _pks(TafMember.objects.filter(case__contact=c)),
        StepUp: _pks(StepUp.objects.filter(Q(contact=c) | Q(case__contact=c))),
        StepDown: _pks(StepDown.objects.filter(contact=c)),
        PanelCase: _pks(PanelCase.objects.filter(contact=c)),
        MerlinReport: _pks(MerlinReport.objects.filter(contact=c)),
        MerlinSubject: _pks(MerlinSubject.objects.filter(report__contact=c)),
        MerlinCopy: _pks(MerlinCopy.objects.filter(report__contact=c)),
        ReferrerNotice: _pks(ReferrerNotice.objects.filter(contact=c)),
        InformationResponse: _pks(InformationResponse.objects.filter(contact=c)),
        Deadline: _pks(Deadline.objects.filter(contact=c)),
    }
    return parts


def people_on(contact: Contact) -> list[int]:
    """Everybody the record names: on the contact, in its CIN episodes, MERLIN, family work."""
    c = contact.pk
    ids = set(ContactPerson.objects.filter(contact=c).values_list("person", flat=True))
    ids |= set(CinEpisode.objects.filter(referral__contact=c).values_list("person", flat=True))
    ids |= set(MerlinSubject.objects.filter(report__contact=c).values_list("person", flat=True))
    ids |= set(
        FamilyWorkCase.children.through.objects.filter(familyworkcase__contact=c).values_list(
            "person", flat=True
        )
    )
    return sorted(ids)


def still_retained(person_ids: list[int], contact: Contact) -> set[int]:
    """The people also on another contact that is not destroyed."""
    return set(
        ContactPerson.objects.filter(person__in=person_ids, contact__destroyed_at__isnull=True)
        .exclude(contact=contact)
        .values_list("person", flat=True)
    )


def _purge(model: type[models.Model], ids: list[int]) -> None:
    """Delete every history row of these objects (and the access log and emails naming them)."""
    if not ids:
        return
    history = getattr(model, "history", None)
    if history is not None:
        history.model.objects.filter(id__in=ids).delete()
    ct = ContentType.objects.get_for_model(model)
    AccessLog.objects.filter(content_type=ct, object_id__in=ids).delete()
    _delete(OutboundEmail, _pks(OutboundEmail.objects.filter(content_type=ct, object_id__in=ids)))


def _delete(model: type[models.Model], ids: list[int]) -> None:
    """Delete the rows, then every history row of them (deleting writes one more)."""
    if ids:
        model.objects.filter(pk__in=ids).delete()
        history = getattr(model, "history", None)
        if history is not None:
            history.model.objects.filter(id__in=ids).delete()


def destroy_record(
    parts: RecordParts, *, keep: set[int], people: list[int], by: User, reason: str
) -> list[int]:
    """Empty and delete the record's rows as the module docstring says; returns the people destroyed."""
    contact = parts.contact
    now = timezone.now()
    kept_people = [p for p in people if p in keep]
    gone_people = [p for p in people if p not in keep]

    # Links from the destroyed record to people who stay on other records go.
    if kept_people:
        ContactPerson.objects.filter(contact=contact, person__in=kept_people).delete()
        CinEpisode.objects.filter(referral__contact=contact, person__in=kept_people).delete()
        MerlinSubject.objects.filter(report__contact=contact, person__in=kept_people).delete()
        FamilyWorkCase.children.through.objects.filter(
            familyworkcase__contact=contact, person__in=kept_people
        ).delete()

    # Rows that only carry personal data.
    notices = ReferrerNotice.objects.filter(pk__in=parts.of(ReferrerNotice))
    email_ids = [e for e in notices.values_list("email", flat=True) if e]
    _delete(ReferrerNotice, parts.of(ReferrerNotice))
    _delete(OutboundEmail, email_ids)
    _delete(TafMember, parts.of(TafMember))
    # Duplicate flags carry a screener's reason about the incident: gone with either contact.
    _delete(
        ContactDuplicate,
        _pks(ContactDuplicate.objects.filter(Q(contact=contact) | Q(duplicate_of=contact))),
    )
    ContactUserObjectPermission.objects.filter(content_object=contact).delete()
    ContactGroupObjectPermission.objects.filter(content_object=contact).delete()
    for perm_model, model in (
        (EnquiryUserObjectPermission, Enquiry),
        (EnquiryGroupObjectPermission, Enquiry),
        (PartnerRequestUserObjectPermission, PartnerRequest),
        (PartnerRequestGroupObjectPermission, PartnerRequest),
        (FamilyWorkCaseUserObjectPermission, FamilyWorkCase),
        (FamilyWorkCaseGroupObjectPermission, FamilyWorkCase),
    ):
        perm_model.objects.filter(content_object__in=parts.of(model)).delete()
    urls = [contact.get_absolute_url()] + [
        FamilyWorkCase(pk=pk).get_absolute_url() for pk in parts.of(FamilyWorkCase)
    ]
    url_match = Q()
    for url in urls:
        url_match |= Q(url__startswith=url)
    _delete(Notification, _pks(Notification.objects.filter(url_match)))

    # Rows that stay, emptied; then their history goes.
    for model, cleared in CLEARED.items():
        if model is not Contact and parts.of(model):
            model.objects.filter(pk__in=parts.of(model)).update(**cleared)
    for model, ids in parts.ids.items():
        _purge(model, ids)

    for field_name, value in CLEARED[Contact].items():
        setattr(contact, field_name, value)
    contact.destroyed_at = now
    save_audited(contact, user=by, reason=reason)

    _destroy_people(gone_people, by=by, reason=reason, now=now)
    return gone_people


def _destroy_people(person_ids: list[int], *, by: User, reason: str, now) -> None:
    if not person_ids:
        return
    addresses = set(
        Person.objects.filter(pk__in=person_ids, address__isnull=False).values_list(
            "address", flat=True
        )
    )
    memberships = HouseholdMember.objects.filter(person__in=person_ids)
    households = set(memberships.values_list("household", flat=True))
    for model, qs in (
        (Involvement, Involvement.objects.filter(person__in=person_ids)),
        (
            PersonRelationship,
            PersonRelationship.objects.filter(
                Q(person__in=person_ids) | Q(relative__in=person_ids)
            ),
        ),
        (HouseholdMember, memberships),
    ):
        ids = _pks(qs)
        _purge(model, ids)
        _delete(model, ids)
    PersonUserObjectPermission.objects.filter(content_object__in=person_ids).delete()
    PersonGroupObjectPermission.objects.filter(content_object__in=person_ids).delete()
    # The search keys are parts of the names and address: derived, unaudited, gone with them.
    PersonSearchKey.objects.filter(person__in=person_ids).delete()
    # A merge of these records says why they were one person: emptied, its history gone.
    merges = _pks(PersonMerge.objects.filter(Q(kept__in=person_ids) | Q(merged__in=person_ids)))
    PersonMerge.objects.filter(pk__in=merges).update(reason="", moved=[], details_taken=[])
    _purge(PersonMerge, merges)
    _purge(Person, person_ids)
    for person in Person.objects.filter(pk__in=person_ids):
        for field_name, value in PERSON_CLEARED.items():
            setattr(person, field_name, value)
        person.case_number = f"DESTROYED-{person.pk}"
        person.destroyed_at = now
        save_audited(person, user=by, reason=reason)

    # Households and addresses nobody retained uses any more.
    empty = _pks(
        Household.objects.filter(pk__in=households)
        .exclude(members__isnull=False)
        .exclude(contacts__isnull=False)
    )
    addresses |= set(
        Household.objects.filter(pk__in=empty, address__isnull=False).values_list(
            "address", flat=True
        )
    )
    _purge(Household, empty)
    _delete(Household, empty)
    unused = _pks(
        Address.objects.filter(pk__in=addresses)
        .exclude(pk__in=Person.objects.filter(address__isnull=False).values("address"))
        .exclude(pk__in=Household.objects.filter(address__isnull=False).values("address"))
    )
    _purge(Address, unused)
    _delete(Address, unused)
