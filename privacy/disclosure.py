"""Everything held about a person, as a subject access disclosure (UK GDPR Article 15).

`collect(person)` gathers the record in a fixed number of queries (prefetches, one history
query per kind of record, one access-log query) and names every item the handler may
redact: other people on the contacts, the referrer, details of an alleged perpetrator and
the partner answers that their agency agreed may be shared with the family. A partner
answer the agency did NOT agree to share is never put in the record at all: only the fact
that something was withheld, from which agency and under which exemption, goes in.

`gather(request)` applies the request's redactions; `build_zip` writes the PDF, the JSON and
the CSV into one ZIP. The download describes a redacted item by where it was ("Referrer
details on contact C00012"), never by the label the handler saw, which may name someone.
"""

import csv
import io
import json
import zipfile
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import AccessLog
from core.pdf import html_to_pdf
from core.spreadsheets import safe_cell
from core.text import lower_in_sentence
from early_help.models import EarlyHelpDecision, FamilyWorkCase, PanelCase
from mash.models import (
    AnswerStatus,
    ConsentDecision,
    Disagreement,
    DiscussionItem,
    Enquiry,
    PartnerAnswer,
    PartnerRequest,
    PreviousDecision,
    ReferralHandover,
    StrategyDiscussion,
)
from referrals.models import (
    CinEpisode,
    Contact,
    ContactCorrection,
    ContactPerson,
    Involvement,
    ManagementOversight,
    OversightAction,
    Person,
    PersonMerge,
    PersonRelationship,
    PersonWarning,
    Rating,
    Referral,
)

from .models import SubjectAccessRequest

THIRD_PARTY = "Another person"
REFERRER = "Referrer"
PERPETRATOR = "Alleged perpetrator"
PARTNER = "Partner agency information"
# A warning on the person's record (staff safety, risk to others): the handler decides whether
# disclosing it would be likely to cause serious harm (DPA 2018 Schedule 3 Part 3 paragraph 7).
WARNING = "Warning on the record"
# Recorded against every partner answer the agency did not agree to share with the family.
# The handler may rely on a different exemption for a particular answer; this is the one
# that applies to every such answer: information about, or given by, another person who
# has not agreed to its disclosure (DPA 2018 Schedule 2 Part 3 paragraph 16).
PARTNER_EXEMPTION = (
    "Data Protection Act 2018, Schedule 2, Part 3, paragraph 16: information provided by "
    "a third party (a partner agency) who has not agreed to its disclosure to the family"
)


@dataclass(frozen=True)
class Item:
    """Something the handler may redact: `label` is for the handler, `where` for the download."""

    key: str
    kind: str
    label: str
    where: str


@dataclass
class Collected:
    record: dict
    items: list[Item] = field(default_factory=list)
    parts: dict[str, dict] = field(default_factory=dict)

    def redactable(self, item: Item, content: dict) -> dict:
        self.items.append(item)
        self.parts[item.key] = content
        return content


def _when(value) -> str | None:
    if value is None:
        return None
    if hasattr(value, "tzinfo"):
        return timezone.localtime(value).isoformat(timespec="minutes")
    return value.isoformat()


def _name(user) -> str | None:
    return str(user) if user is not None else None


def _person_details(person: Person) -> dict:
    return {
        "case_number": person.case_number,
        "name": person.full_name,
        "known_as": person.known_as,
        "date_of_birth": _when(person.date_of_birth),
        "expected_date_of_birth": _when(person.expected_date_of_birth),
        "nhs_number": person.nhs_number or "",
        "sex": person.get_sex_display(),
        "ethnicity": person.get_ethnicity_display(),
        "first_language": person.first_language,
        "interpreter_needed": person.interpreter_needed,
        "religion": person.religion,
        "communication_needs": person.communication_needs,
        "special_needs": person.special_needs,
        "address": str(person.address) if person.address_id else "",
        "school_or_nursery": person.school_or_nursery,
        "phone": person.phone,
        "email": person.email,
        "unique_pupil_number": person.upn,
        "disabilities": list(person.disabilities or []),
        "recorded_on": _when(person.created_at),
    }


def _contacts(person: Person) -> list[Contact]:
    answers = PartnerAnswer.objects.filter(status=AnswerStatus.SUBMITTED).order_by("version")
    requests = PartnerRequest.objects.select_related("agency").prefetch_related(
        Prefetch("answers", queryset=answers, to_attr="submitted")
    )
    enquiries = Enquiry.objects.select_related("decided_by").prefetch_related(
        Prefetch(
            "consent_decisions", queryset=ConsentDecision.objects.select_related("recorded_by")
        ),
        Prefetch("requests", queryset=requests),
        Prefetch(
            "strategy_discussions",
            queryset=StrategyDiscussion.objects.prefetch_related("attendees", "actions"),
        ),
        Prefetch(
            "disagreements",
            queryset=Disagreement.objects.select_related(
                "agency",
                "team",
                "reopened_decision__decided_by",
                "reopened_decision__withdrawn_referral__team",
            ).order_by("raised_at"),
        ),
    )
    return list(
        Contact.objects.filter(contact_people__person=person)
        .select_related("created_by")
        .prefetch_related(
            Prefetch("contact_people", queryset=ContactPerson.objects.select_related("person")),
            Prefetch("ratings", queryset=Rating.objects.select_related("rated_by")),
            Prefetch(
                "discussion_items",
                queryset=DiscussionItem.objects.select_related("discussion", "decided_by"),
            ),
            Prefetch("enquiry", queryset=enquiries),
            Prefetch(
                "referrals",
                queryset=Referral.objects.select_related("team", "mash_handover").prefetch_related(
                    Prefetch(
                        "episodes",
                        queryset=CinEpisode.objects.filter(person=person),
                        to_attr="mine",
                    )
                ),
            ),
            Prefetch(
                "early_help_decision",
                queryset=EarlyHelpDecision.objects.select_related("decided_by"),
            ),
            Prefetch("panel_cases", queryset=PanelCase.objects.select_related("panel")),
            Prefetch(
                "corrections",
                queryset=ContactCorrection.objects.select_related("corrected_by").order_by(
                    "corrected_at", "pk"
                ),
            ),
            Prefetch(
                "oversights",
                queryset=ManagementOversight.objects.select_related("recorded_by")
                .prefetch_related(
                    Prefetch("actions", queryset=OversightAction.objects.select_related("owner"))
                )
                .order_by("recorded_at", "pk"),
            ),
            "referrer_notices",
            "information_response",
        )
        .order_by("received_at", "pk")
    )


def _enquiry(contact: Contact, collected: Collected) -> dict | None:
    enquiry = getattr(contact, "enquiry", None)
    if enquiry is None:
        return None
    answers = []
    for request in enquiry.requests.all():
        for answer in request.submitted:
            what = (
                f"Information from {request.agency} (version {answer.version}, "
                f"submitted {_when(answer.submitted_at)}) on contact {contact.reference}"
            )
            if not answer.share_with_family:
                collected.record["withheld"].append({"what": what, "exemption": PARTNER_EXEMPTION})
                continue
            content = {
                "agency": str(request.agency),
                "version": answer.version,
                "submitted_at": _when(answer.submitted_at),
                "information_held": answer.information_held,
                "what_it_means_for_the_child": answer.analysis,
            }
            item = Item(f"answer:{answer.pk}", PARTNER, what, what)
            answers.append(collected.redactable(item, content))
    return {
        "opened_at": _when(enquiry.opened_at),
        "status": enquiry.get_status_display(),
        "summary": enquiry.summary,
        "analysis": enquiry.analysis,
        "recommended_level": enquiry.recommended_level,
        "recommended_action": enquiry.recommended_action,
        "final_rag": enquiry.get_final_rag_display(),
        "final_rationale": enquiry.final_rationale,
        "next_step": enquiry.get_next_step_display(),
        "decided_by": _name(enquiry.decided_by),
        "decided_at": _when(enquiry.decided_at),
        "consent_decisions": [
            {
                "outcome": c.get_outcome_display(),
                "ground": c.get_ground_display(),
                "rationale": c.rationale,
                "recorded_by": _name(c.recorded_by),
                "recorded_at": _when(c.recorded_at),
            }
            for c in enquiry.consent_decisions.all()
        ],
        "partner_information": answers,
        "strategy_discussions": [
            {
                "held_at": _when(d.held_at),
                "attendees": [f"{a.name}, {a.role} ({a.agency})" for a in d.attendees.all()],
                "decision": d.decision,
                "section_47_enquiries_follow": d.section_47,
                "next_steps": [
                    {"action": a.action, "owner": a.owner, "due_on": _when(a.due_on)}
                    for a in d.actions.all()
                ],
            }
            for d in enquiry.strategy_discussions.all()
        ],
        "disagreements": [
            _disagreement(d, contact, collected) for d in enquiry.disagreements.all()
        ],
    }


def _disagreement(d: Disagreement, contact: Contact, collected: Collected) -> dict:
    """A disagreement with the MASH decision; a partner agency's reasons are its words about
    the family, which the handler may redact like its answers."""
    reasons: dict = {"text": d.reasons}
    if d.agency_id:
        where = f"Reasons {d.agency} gave for disagreeing with the decision on {contact.reference}"
        reasons = collected.redactable(Item(f"disagreement:{d.pk}", PARTNER, where, where), reasons)
    previous = getattr(d, "reopened_decision", None)
    return {
        "raised_at": _when(d.raised_at),
        "raised_by": str(d.agency or d.team or ""),
        "reasons": reasons,
        "status": d.get_status_display(),
        "outcome": d.get_outcome_display(),
        "outcome_reasons": d.outcome_reasons,
        "resolved_at": _when(d.resolved_at),
        # "Decision changed" reopened the decision: what it had been (mash.reopen).
        "decision_reopened": None
        if previous is None
        else {
            "final_rag": previous.get_final_rag_display(),
            "final_rationale": previous.final_rationale,
            "next_step": previous.get_next_step_display(),
            "decided_by": _name(previous.decided_by),
            "decided_at": _when(previous.decided_at),
            "reopened_at": _when(previous.reopened_at),
            "referral_withdrawn_from": str(previous.withdrawn_referral.team)
            if previous.withdrawn_referral
            else "",
        },
    }


def _contact(contact: Contact, person: Person, collected: Collected) -> dict:
    ref = contact.reference
    referrer = collected.redactable(
        Item(
            f"referrer:{contact.pk}",
            REFERRER,
            f"Referrer of {ref}: {contact.referrer_name or 'not named'}"
            + (f", {contact.referrer_organisation}" if contact.referrer_organisation else ""),
            f"Referrer details on contact {ref}",
        ),
        {
            "name": contact.referrer_name,
            "organisation": contact.referrer_organisation,
            "role": contact.referrer_role,
            "relationship_to_the_family": contact.referrer_relationship,
            "how_well_they_know_the_family": contact.referrer_knowledge,
            "phone": contact.referrer_phone,
            "email": contact.referrer_email,
            "address": contact.referrer_address,
        },
    )
    people = []
    for link in contact.contact_people.all():
        entry = {"name": link.person.full_name, "role": link.get_role_display()}
        if link.person_id == person.pk:
            people.append({**entry, "this_person": True})
            continue
        item = Item(
            f"person:{contact.pk}:{link.person_id}",
            THIRD_PARTY,
            f"{link.person.full_name} ({lower_in_sentence(link.get_role_display())}) on {ref}",
            f"Another person on contact {ref}",
        )
        people.append(collected.redactable(item, entry))
    perpetrator = None
    if contact.alleged_perpetrator_details:
        perpetrator = collected.redactable(
            Item(
                f"perpetrator:{contact.pk}",
                PERPETRATOR,
                f"Alleged perpetrator details on {ref}",
                f"Alleged perpetrator details on contact {ref}",
            ),
            {"details": contact.alleged_perpetrator_details},
        )
    decision = getattr(contact, "early_help_decision", None)
    response = getattr(contact, "information_response", None)
    return {
        "reference": ref,
        "received_at": _when(contact.received_at),
        "source": contact.get_source_display(),
        "status": contact.get_status_display(),
        "referral_source": contact.get_referral_source_display(),
        "referrer": referrer,
        "concerns": contact.concerns,
        "alleged_perpetrator": perpetrator,
        "family_aware": contact.get_family_aware_display(),
        "family_agrees": contact.get_family_agrees_display(),
        "family_agreement_details": contact.family_agreement_details,
        "signposting": contact.signposting,
        "screening_rationale": contact.screening_rationale,
        "people": people,
        "ratings": [
            {
                "stage": r.get_stage_display(),
                "rag": r.get_rag_display(),
                "level_of_need": r.level,
                "child_protection_concerns": r.cp_concerns,
                "outcome": r.get_outcome_display(),
                "rationale": r.rationale,
                "rated_by": _name(r.rated_by),
                "rated_at": _when(r.rated_at),
            }
            for r in contact.ratings.all()
        ],
        "daily_discussion": [
            {
                "date": _when(d.discussion.date),
                "reason": d.get_reason_display(),
                "decision": d.get_decision_display(),
                "rationale": d.rationale,
                "decided_by": _name(d.decided_by),
                "decided_at": _when(d.decided_at),
            }
            for d in contact.discussion_items.all()
        ],
        "mash_enquiry": _enquiry(contact, collected),
        "referrals": [
            {
                "team": str(r.team),
                "assessment": r.get_assessment_type_display(),
                "reason": r.reason,
                "referred_at": _when(r.created_at),
                "withdrawn_at": _when(r.withdrawn_at),
                "withdrawal_reason": r.withdrawal_reason,
                "cin_episodes": [_episode(e) for e in r.mine],
                "handover": _handover(getattr(r, "mash_handover", None)),
            }
            for r in contact.referrals.all()
        ],
        "early_help_decision": None
        if decision is None
        else {
            "outcome": decision.get_outcome_display(),
            "rationale": decision.rationale,
            "service": decision.service,
            "decided_by": _name(decision.decided_by),
            "decided_at": _when(decision.decided_at),
        },
        "early_help_panel": [
            {
                "panel": _when(p.panel.date),
                "reason": p.reason,
                "decision": p.get_decision_display(),
                "rationale": p.rationale,
                "service": p.service,
                "decided_at": _when(p.decided_at),
            }
            for p in contact.panel_cases.all()
        ],
        # Field names only, as in the history: an earlier value can name someone the corrected
        # record no longer does.
        "corrections": [
            {
                "corrected_at": _when(c.corrected_at),
                "corrected_by": _name(c.corrected_by),
                "reason": c.reason,
                "fields_corrected": [
                    change.get("label", change.get("field")) for change in c.changes
                ],
            }
            for c in contact.corrections.all()
        ],
        "management_oversight": [
            {
                "recorded_at": _when(o.recorded_at),
                "recorded_by": _name(o.recorded_by),
                "note": o.note,
                "actions": [
                    {"action": a.action, "owner": _name(a.owner), "complete_by": _when(a.due_on)}
                    for a in o.actions.all()
                ],
            }
            for o in contact.oversights.all()
        ],
        "notices_to_the_referrer": [
            {
                "outcome_told": n.get_outcome_display(),
                "channel": n.get_channel_display(),
                "written_at": _when(n.created_at),
            }
            for n in contact.referrer_notices.all()
        ],
        "information_response": None
        if response is None
        else {"response": response.response, "written_at": _when(response.written_at)},
    }


def _handover(h: ReferralHandover | None) -> dict | None:
    if h is None:
        return None
    return {
        "method": h.get_method_display(),
        "handed_over_at": _when(h.handed_over_at),
        "how": h.how,
        "recorded_at": _when(h.recorded_at),
    }


def _warnings(person: Person, collected: Collected) -> list[dict]:
    """Warnings on the person's own record, each redactable (a disclosure may be withheld
    where it would be likely to cause serious harm)."""
    rows = []
    for w in PersonWarning.objects.filter(person=person).order_by("proposed_at", "pk"):
        where = f"{w.get_kind_display()} warning proposed {_when(w.proposed_at)}"
        rows.append(
            collected.redactable(
                Item(f"warning:{w.pk}", WARNING, where, where),
                {
                    "type": w.get_kind_display(),
                    "reason": w.reason,
                    "status": w.get_status_display(),
                    "proposed_at": _when(w.proposed_at),
                    "agreed_at": _when(w.agreed_at),
                    "review_by": _when(w.review_on),
                    "ended_at": _when(w.ended_at),
                    "end_reason": w.end_reason,
                },
            )
        )
    return rows


def _merges(person: Person) -> list[dict]:
    """Other records of this person merged into this one: when, by whom and why."""
    return [
        {
            "merged_at": _when(m.merged_at),
            "merged_by": _name(m.merged_by),
            "reason": m.reason,
            "details_taken": list(m.details_taken),
        }
        for m in PersonMerge.objects.filter(kept=person)
        .select_related("merged_by")
        .order_by("merged_at", "pk")
    ]


def _episode(e: CinEpisode) -> dict:
    return {
        "referral_date": _when(e.referral_date),
        "primary_need": e.get_primary_need_display(),
        "no_further_action": e.nfa,
        "assessment_started_on": _when(e.assessment_started_on),
        "assessment_authorised_on": _when(e.assessment_authorised_on),
        "closed_on": _when(e.closed_on),
        "closure_reason": e.get_closure_reason_display(),
    }


def _relationships(person: Person, collected: Collected) -> list[dict]:
    rows = []
    links = PersonRelationship.objects.filter(Q(person=person) | Q(relative=person)).select_related(
        "person", "relative"
    )
    for link in links:
        other = link.relative if link.person_id == person.pk else link.person
        described = (
            f"{other.full_name} is {lower_in_sentence(link.get_relationship_display())} of this person"
            if link.person_id == person.pk
            else f"This person is {link.get_relationship_display().lower()} of {other.full_name}"
        )
        item = Item(
            f"relative:{link.pk}",
            THIRD_PARTY,
            described,
            "A family relationship",
        )
        rows.append(
            collected.redactable(
                item,
                {
                    "relationship": described,
                    "parental_responsibility": link.has_parental_responsibility,
                },
            )
        )
    return rows


def _family_work(person: Person) -> list[dict]:
    cases = FamilyWorkCase.objects.filter(children=person).select_related(
        "contact", "family_worker"
    )
    return [
        {
            "reference": c.reference,
            "contact": c.contact.reference,
            "status": c.get_status_display(),
            "family_worker": _name(c.family_worker),
            "opened_at": _when(c.opened_at),
            "closed_at": _when(c.closed_at),
            "closure_reason": c.get_closure_reason_display(),
            "closure_details": c.closure_details,
            "assessment_completed_on": _when(c.assessment_completed_on),
        }
        for c in cases
    ]


# History: one query per kind of record, the changed fields found by comparing each history
# row with the one before it in memory. Field names only: the values are the record above,
# and an old value can name someone the current one no longer does.
def _history_sources(person: Person, contact_ids: list[int]) -> list[tuple[type, Q, str]]:
    enquiry_ids = Enquiry.objects.filter(contact_id__in=contact_ids).values("pk")
    return [
        (Person, Q(id=person.pk), "Person record"),
        (Contact, Q(id__in=contact_ids), "Contact"),
        (ContactPerson, Q(person_id=person.pk), "Link to a contact"),
        (Rating, Q(contact_id__in=contact_ids), "Rating"),
        (DiscussionItem, Q(contact_id__in=contact_ids), "Daily discussion item"),
        (Enquiry, Q(contact_id__in=contact_ids), "MASH enquiry"),
        (ConsentDecision, Q(enquiry_id__in=enquiry_ids), "Consent decision"),
        (StrategyDiscussion, Q(enquiry_id__in=enquiry_ids), "Strategy discussion"),
        (Disagreement, Q(enquiry_id__in=enquiry_ids), "Disagreement with a decision"),
        (PreviousDecision, Q(enquiry_id__in=enquiry_ids), "MASH decision reopened"),
        (ContactCorrection, Q(contact_id__in=contact_ids), "Correction"),
        (ManagementOversight, Q(contact_id__in=contact_ids), "Management oversight"),
        (Referral, Q(contact_id__in=contact_ids), "Referral"),
        (CinEpisode, Q(person_id=person.pk), "CIN episode"),
        (EarlyHelpDecision, Q(contact_id__in=contact_ids), "Early help decision"),
        (PanelCase, Q(contact_id__in=contact_ids), "Early Help Panel case"),
        (Involvement, Q(person_id=person.pk), "Involvement"),
    ]


def _history(person: Person, contact_ids: list[int]) -> list[dict]:
    entries = []
    for model, where, label in _history_sources(person, contact_ids):
        fields = [f for f in model._meta.concrete_fields if f.name not in ("id",)]
        rows = (
            model.history.filter(where)
            .select_related("history_user")
            .order_by("id", "history_date", "history_id")
        )
        previous = None
        for row in rows:
            changed = []
            if previous is not None and previous.id == row.id:
                changed = [
                    str(f.verbose_name)
                    for f in fields
                    if getattr(row, f.attname, None) != getattr(previous, f.attname, None)
                ]
            entries.append(
                {
                    "at": _when(row.history_date),
                    "record": f"{label} {row.id}",
                    "change": {"+": "Created", "~": "Changed", "-": "Deleted"}[row.history_type],
                    "by": _name(row.history_user),
                    "reason": row.history_change_reason or "",
                    "fields_changed": changed,
                }
            )
            previous = row
    return sorted(entries, key=lambda e: e["at"])


def _access(person: Person, contact_ids: list[int]) -> list[dict]:
    person_ct = ContentType.objects.get_for_model(Person)
    contact_ct = ContentType.objects.get_for_model(Contact)
    rows = (
        AccessLog.objects.filter(
            Q(content_type=person_ct, object_id=person.pk)
            | Q(content_type=contact_ct, object_id__in=contact_ids)
        )
        .select_related("user")
        .order_by("at", "pk")
    )
    return [
        {
            "at": _when(r.at),
            "who": _name(r.user),
            "action": r.get_action_display(),
            "what": r.description,
        }
        for r in rows
    ]


def collect(person: Person) -> Collected:
    """Everything held about `person`, with the items the handler may redact."""
    collected = Collected(record={"withheld": []})
    contacts = _contacts(person)
    contact_ids = [c.pk for c in contacts]
    collected.record.update(
        {
            "person": _person_details(person),
            "relationships": _relationships(person, collected),
            "contacts": [_contact(c, person, collected) for c in contacts],
            "involvements": [
                {
                    "service": i.get_service_display(),
                    "opened_on": _when(i.opened_on),
                    "closed_on": _when(i.closed_on),
                    "closure_reason": i.closure_reason,
                }
                for i in person.involvements.all()
            ],
            "family_work": _family_work(person),
            "warnings": _warnings(person, collected),
            "records_merged_into_this_one": _merges(person),
            "history": _history(person, contact_ids),
            "access_log": _access(person, contact_ids),
        }
    )
    return collected


def gather(request: SubjectAccessRequest) -> dict:
    """The disclosure for a request: everything held, with its redactions applied."""
    collected = collect(request.person)
    where = {item.key: item.where for item in collected.items}
    redacted = []
    for redaction in request.redactions.all():
        part = collected.parts.get(redaction.item)
        if part is None:
            continue  # the item has gone (e.g. a link removed since the decision)
        part.clear()
        part["redacted"] = redaction.reason
        redacted.append({"what": where[redaction.item], "reason": redaction.reason})
    record = collected.record
    record["redacted"] = redacted
    record["request"] = {
        "reference": request.reference,
        "received_on": _when(request.received_on),
        "requested_by": request.requester_name,
        "produced_at": _when(timezone.now()),
    }
    return record


# Files.


def _flatten(value, path: str):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _flatten(inner, f"{path}.{key}" if path else key)
    elif isinstance(value, list) and value and all(isinstance(v, dict | list) for v in value):
        for index, inner in enumerate(value, 1):
            yield from _flatten(inner, f"{path}[{index}]")
    elif isinstance(value, list):
        yield path, "; ".join(str(v) for v in value)
    else:
        yield path, "" if value is None else value


def to_csv(record: dict) -> str:
    """One row per item of information: section, where in the record, value."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Section", "Item", "Value"])
    for section, value in record.items():
        for path, leaf in _flatten(value, ""):
            writer.writerow([section, safe_cell(path), safe_cell(leaf)])
    return out.getvalue()


def to_pdf(record: dict) -> bytes:
    html = render_to_string("privacy/disclosure_pdf.html", {"record": record})
    return html_to_pdf(html, base_url="http://localhost/")


def build_zip(record: dict, *, request: SubjectAccessRequest) -> bytes:
    stem = f"subject-access-{request.reference}"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{stem}.pdf", to_pdf(record))
        archive.writestr(f"{stem}.json", json.dumps(record, indent=2, ensure_ascii=False))
        archive.writestr(f"{stem}.csv", to_csv(record))
    return buffer.getvalue()
