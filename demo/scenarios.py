"""Demo contacts, as a table: each scenario in the referrer's words, and the plan of which
families they are about and how far through the front door each one gets.
"""

import datetime as dt
from dataclasses import dataclass

from core.enums import YesNoUnknown
from referrals.models import (
    ContactSource,
    ContactStatus,
    Person,
    ReferralSource,
    RelationshipType,
    Sex,
)

# Contacts ------------------------------------------------------------------------------------
from .families import CLOSED_LONG, CLOSED_RECENT, NOT_KNOWN, OPEN_CSSW, OPEN_EH, Family, FamilyMaker


@dataclass(frozen=True)
class Scenario:
    """A kind of contact, in the referrer's words, with what it needs of the family."""

    source: str
    referral_source: str
    organisation: str  # "" for members of the public
    role: str
    concerns: str
    professional: bool = True
    relationship: str = ""
    knowledge: str = ""
    aware: str = YesNoUnknown.YES
    agrees: str = YesNoUnknown.YES
    agreement: str = ""
    ages: tuple[int, int] = (0, 17)  # the child the contact is mostly about
    sex: str = ""
    setting: bool = False  # the text names the child's school or nursery
    siblings: bool = False  # the text talks about "the kids"
    mother: bool = True  # the text talks about mum
    partner: bool = False  # mum's partner is the alleged perpetrator
    perpetrator: str = ""
    unborn: bool = False
    information_only: bool = False
    signposting: str = ""
    requesting_body: str = ""
    ecaf_safeguarding: bool | None = None
    hours: tuple[int, int] = (9, 16)
    anonymous: bool = False


@dataclass(frozen=True)
class Planned:
    """One demo contact: its scenario, the family history it needs, and where it gets to."""

    scenario: str
    history: str | None  # None: no child (an information-only call)
    status: ContactStatus
    days_ago: int
    family: str = ""  # repeat contacts about one family share a tag
    stop_after: str = ""  # drafts: the last step done
    by: str = "screening"
    rate: tuple[str, int, bool, str] | None = (
        None  # initial rating: RAG, level, CP concerns, outcome
    )


NO, UNKNOWN = YesNoUnknown.NO, YesNoUnknown.UNKNOWN
S = ContactStatus
SCENARIOS: dict[str, Scenario] = {
    "school_bruising": Scenario(
        ContactSource.PHONE, ReferralSource.SCHOOL, "{school}", "Designated safeguarding lead",
        "I'm the designated safeguarding lead at {school}. This morning {child} ({age}) came into "
        "class with a bruise on {his} left cheek, about the size of a 50p, and what look like "
        "fingertip bruises on {his} upper arm. When the class teacher asked what happened {he} "
        "said \"I was naughty\" and then wouldn't say anything else. {He} has been much quieter "
        "than usual for the last two weeks and has been late four times. Mum ({mother}) seemed "
        "stressed and short with {him} at pick-up yesterday. We have photographs and the teacher's "
        "written account. We haven't told mum we're calling because we're worried about {child} "
        "going home tonight.",
        knowledge="Has known {child} since Reception; sees mum at drop-off most days.", aware=NO,
        agrees=UNKNOWN, agreement="School have not told mum, for {child}'s safety.", ages=(5, 11),
        setting=True,
    ),
    "hv_neglect": Scenario(
        ContactSource.PHONE, ReferralSource.HEALTH_VISITOR, "Camden Health (health visiting)",
        "Health visitor",
        "I'm {child}'s health visitor. I did the new birth visit and the 6–8 week review and I'm "
        "worried. The flat was very cluttered and cold, there was no steriliser and the bottles in "
        "the sink were dirty, and {child} was in a soaking nappy that looked like it hadn't been "
        "changed for hours. {His} weight has dropped from the 50th to below the 9th centile. Mum "
        "({mother}) has missed two clinic appointments and the GP 8-week check. She says she's "
        "'coping fine' but she looked exhausted and was tearful, and I think she may have "
        "postnatal depression. I've talked to mum about this referral and she agrees; she says "
        "she'd like some help.",
        knowledge="Health visitor since birth: two home visits and one clinic contact.",
        ages=(0, 0),
    ),
    "neighbour_shouting": Scenario(
        ContactSource.PHONE, ReferralSource.ACQUAINTANCE, "", "",
        "I live in the flat below them at {address}. For the last couple of weeks there's been "
        "shouting and banging most nights, a man swearing at the woman, really nasty, calling her "
        "names. Last night about eleven I heard a big crash and a child screaming \"stop it, stop "
        "it\". There's {n_kids} up there, the oldest is about {oldest_age}. I see them going to "
        "school and they look scruffy and tired. I'm not being nosy, I'm just worried about those "
        "kids. Please don't tell them it was me.",
        professional=False, relationship="Neighbour (lives in the flat below)",
        knowledge="Says hello on the stairs; does not know the family well.", aware=NO,
        agrees=UNKNOWN, agreement="The caller does not want the family told who called.",
        siblings=True,
    ),
    "merlin_da_high": Scenario(
        ContactSource.POLICE_MERLIN, ReferralSource.POLICE, "Metropolitan Police (Camden PPD)",
        "PPD officer",
        "MERLIN {merlin}. At 23:40 police were called by {mother} reporting that her partner "
        "{partner} had assaulted her during an argument about money. Officers found her with a cut "
        "lip and redness to her neck; she said he grabbed her by the throat and pushed her against "
        "the kitchen door. The children {children} were in the flat; {child} ({age}) was awake and "
        "told officers \"he hurt mummy again\". Suspect arrested for ABH and on police bail not to "
        "contact the victim or attend the address. DASH completed: HIGH risk (17 ticks); referred "
        "to MARAC and to Camden Safety Net. Police RAG: AMBER.",
        agrees=UNKNOWN,
        agreement="Officers told mum that the report would be shared with children's services.",
        partner=True,
        perpetrator=(
            "{partner}, born {partner_dob}, mother's partner (not the children's father). Previous "
            "for common assault on an ex-partner (2021). On police bail: not to contact "
            "{mother_first} or attend {address}."
        ),
        hours=(7, 8),
        siblings=True,
    ),
    "merlin_da_standard": Scenario(
        ContactSource.POLICE_MERLIN, ReferralSource.POLICE, "Metropolitan Police (Camden PPD)",
        "PPD officer",
        "MERLIN {merlin}. Police attended {address} at 21:15 after a neighbour reported shouting. "
        "{mother} and {second_adult} said they had been arguing about his drinking and that it was "
        "verbal only. No injuries seen, no offences disclosed, both calm by the time officers "
        "left. The children {children} were asleep upstairs and were not woken. DASH completed: "
        "STANDARD risk. Details passed to Camden Safety Net. Police RAG: GREEN.",
        agrees=UNKNOWN,
        agreement="Officers told both adults that children's services would be informed.",
        partner=True, hours=(7, 8),
        siblings=True,
    ),
    "ecaf_family_support": Scenario(
        ContactSource.ECAF, ReferralSource.SCHOOL, "{school}", "Family support worker",
        "e-CAF attached, completed with mum. {mother} came to us asking for help. The family were "
        "rehoused into temporary accommodation in the autumn after mum left a previous "
        "relationship, and mum is finding {child}'s behaviour very hard at home: hitting {his} "
        "brothers and sisters, refusing to go to bed and running off when they're out. {child}'s "
        "attendance has fallen to 86% and {he} is often tired in class. Money is very tight and "
        "mum has used the food bank twice. Mum would like a family support worker and a parenting "
        "course. No safeguarding concerns.",
        agreement="Mum completed the e-CAF with the school and signed the consent section.",
        ages=(4, 12), setting=True, ecaf_safeguarding=False,
    ),
    "ecaf_nursery": Scenario(
        ContactSource.ECAF, ReferralSource.EDUCATION, "{school}",
        "Nursery manager (safeguarding lead)",
        "e-CAF, safeguarding box ticked. {child} ({age}) often arrives hungry and asks staff for "
        "food as soon as {he} comes in, has worn the same clothes all week and has nappy rash that "
        "isn't being treated. Staff have noticed a strong smell of cannabis on {his} clothes and "
        "coat. Twice this month mum ({mother}) seemed under the influence at collection (slurred "
        "speech, unsteady) and once a friend of hers who isn't on the collection list came for "
        "{child}. We spoke to mum, who said she's been unwell.",
        agrees=NO,
        agreement="Mum agreed to the e-CAF but not to a referral to children's social care.",
        ages=(2, 3), setting=True, ecaf_safeguarding=True,
    ),
    "info_parenting": Scenario(
        ContactSource.PHONE, ReferralSource.SELF, "", "",
        "Hi, I'm a mum, my son's four and his tantrums are getting really bad, he kicks and "
        "screams every time we go out and I don't know what to do any more. A friend said there's "
        "a parenting course at the children's centre. I just want to know how to get on it. I "
        "don't need a social worker, I just want some advice.",
        professional=False, relationship="Parent", information_only=True,
        signposting=(
            "Gave details of the Camden parenting programme (Incredible Years, ages 3–6), how to "
            "self-refer through the family hub, and the Family Information Service number. Caller "
            "happy with this. No further action."
        ),
    ),
    "info_nursery_advice": Scenario(
        ContactSource.PHONE, ReferralSource.EDUCATION, "Bright Start Day Nursery",
        "Nursery manager",
        "Asking for advice. A dad has come to collect a child today and mum told us last week "
        "there's a court order saying he isn't allowed contact. We haven't seen the order. We've "
        "kept the child in the room and dad is waiting in reception. What should we do, and do we "
        "need to make a referral?",
        information_only=True,
        signposting=(
            "Advised the nursery not to release the child to father without seeing the order or "
            "speaking to mum, to call 999 if he tries to remove the child, and to ask mum for a "
            "copy of the order. If there are safeguarding concerns once it is resolved, call back "
            "with the child's details. Sent Camden's threshold guidance. No child identified; no "
            "further action."
        ),
    ),
    "info_short_breaks": Scenario(
        ContactSource.ONLINE_FORM, ReferralSource.FAMILY, "", "",
        "My son is 9 and autistic and he hardly sleeps, maybe four hours a night. I'm on my own "
        "with him and his sister and I'm exhausted. School are good but there's nothing for him in "
        "the holidays. Someone said there are short breaks for disabled children. How do I apply? "
        "I'm not saying I can't cope, I just need to know what's out there.",
        professional=False, relationship="Parent", information_only=True,
        signposting=(
            "Sent the Camden Local Offer pages on short breaks and holiday schemes and explained "
            "how to self-refer to the Disabled Children's Team for a short breaks assessment; also "
            "gave the parent carer forum and the children's sleep service. Parent will self-refer. "
            "No further action."
        ),
        hours=(20, 22),
    ),
    "info_attendance": Scenario(
        ContactSource.PHONE, ReferralSource.SCHOOL, "{school}", "Attendance officer",
        "Asking for advice. {child}'s attendance is 88% this year, mostly odd days off that mum "
        "says are stomach aches. No other worries: {he} is clean, happy and doing well in class. "
        "Do we need to refer?",
        ages=(5, 15), setting=True, information_only=True,
        signposting=(
            "Advised this is below the threshold for children's social care. Suggested the school "
            "meet mum, consider a school-based early help assessment (e-CAF) with her consent, and "
            "involve Education Welfare if attendance falls further. No further action."
        ),
    ),
    "court_s7": Scenario(
        ContactSource.INFORMATION_REQUEST, ReferralSource.LEGAL_AGENCY, "Central Family Court",
        "Legal adviser",
        "Order from the Central Family Court (case {court_case}). The father has applied for a "
        "child arrangements order. At the first hearing the court directed the local authority to "
        "prepare a section 7 report on {children}, covering the children's wishes and feelings, "
        "the safety of contact and each parent's capacity, to be filed by {due}. Please confirm "
        "within 7 days who will write it.",
        agrees=UNKNOWN,
        agreement="Both parents are parties to the proceedings and know of the request.",
        requesting_body="Central Family Court",
    ),
    "la_transfer": Scenario(
        ContactSource.INFORMATION_REQUEST, ReferralSource.LA_EXTERNAL,
        "Islington Children's Services", "Social worker, Children in Need team",
        "Transfer-in request. The family moved from Islington to {address} six weeks ago. "
        "{children} are on a child in need plan with us (neglect, poor school attendance, mum's "
        "mental health); the plan was last reviewed two months ago. We ask Camden to accept the "
        "case and will send the chronology, assessment and plan. Mum knows the case is being "
        "transferred.",
        ages=(5, 15), requesting_body="London Borough of Islington Children's Services",
        siblings=True,
    ),
    "gp_mental_health": Scenario(
        ContactSource.PHONE, ReferralSource.GP, "Kentish Green Surgery", "GP",
        "I saw {mother} today. She told me she stopped taking her antipsychotic medication about a "
        "month ago and is hearing voices again; she believes the neighbours are watching the "
        "children through the walls. She has {n_children} at home, the youngest is {youngest_age}. "
        "She wasn't presenting as a risk to the children in the appointment, but she is clearly "
        "unwell and refused a referral to the crisis team. I told her I would be contacting "
        "children's services and she was unhappy about it.",
        knowledge="Mum's GP for six years.", agrees=NO,
        agreement="Mum was told and said she does not want social workers involved.",
    ),
    "school_nurse_self_harm": Scenario(
        ContactSource.PHONE, ReferralSource.SCHOOL_NURSE, "Camden Health (school nursing)",
        "School nurse",
        "{child} ({age}) came to my drop-in at school with fresh cuts on her forearms, some "
        "needing steri-strips. She says she's been cutting since Christmas because of 'stuff at "
        "home' and rows with mum, and that sometimes she doesn't want to be alive, though she has "
        "no plan. She begged me not to tell her mum. I've referred her to CAMHS today but I'm "
        "worried about her going home and want to know whether this meets the threshold.",
        aware=NO, agrees=NO,
        agreement="{child} does not want her mum told; the nurse has not told the family yet.",
        ages=(12, 16), sex=Sex.FEMALE,
    ),
    "edt_missing": Scenario(
        ContactSource.EDT_REPORT, ReferralSource.LA_SOCIAL_CARE, "Camden Emergency Duty Team",
        "EDT social worker",
        "EDT report. Police contacted EDT at 01:40: {child} ({age}) was found by officers walking "
        "alone on Camden High Street at 01:30. She said she'd been at a party in Kentish Town and "
        "couldn't get home. She had been drinking and had no money. Mum ({mother}) didn't answer "
        "the phone until 03:00, then came and took her home; mum was cooperative and said {child} "
        "had told her she was staying at a friend's. Officers saw a number saved under an older "
        "man's name on her phone and are worried about exploitation. Please follow up.",
        agrees=UNKNOWN, ages=(13, 15), sex=Sex.FEMALE, hours=(3, 5),
    ),
    "anonymous_alone": Scenario(
        ContactSource.ONLINE_FORM, ReferralSource.ANONYMOUS, "", "",
        "The children at {address} are left on their own a lot. Their mum goes out most evenings "
        "and the kids, the oldest is about {oldest_age}, are on their own till late. Last week I "
        "saw the older one in the corner shop at 10 at night buying bread on their own. Somebody "
        "needs to check on them. I'm not giving my name.",
        professional=False, aware=UNKNOWN, agrees=UNKNOWN, ages=(5, 12), siblings=True,
        hours=(19, 22), anonymous=True,
    ),
    "step_up": Scenario(
        ContactSource.STEP_UP, ReferralSource.LA_EARLY_HELP, "{worker_team}", "{worker_title}",
        "Step-up request. I've been working with the family under a team around the family plan "
        "(school attendance, home conditions, routines). Things are getting worse: at my last "
        "three visits there was no food in the fridge, dog mess on the kitchen floor and {child} "
        "was still in bed at 11am on a school day. {child}'s attendance is down to 60% this term. "
        "Mum ({mother}) has cancelled the last three visits and didn't come to the TAF review. I "
        "think this is now neglect and needs a social work assessment.",
        agrees=NO,
        agreement="Mum knows we are stepping up; she does not agree and says she can manage.",
        ages=(5, 15),
    ),
    "probation": Scenario(
        ContactSource.PHONE, ReferralSource.LEGAL_AGENCY, "London Probation", "Probation officer",
        "I'm the probation officer for {partner}. He was released on licence last month after a "
        "sentence for assaulting a former partner, and at supervision today he said he has moved "
        "in with {mother} and her children at {address}. His licence requires him to tell me about "
        "new relationships and he didn't. He has a previous conviction for cruelty to a former "
        "partner's child. I don't think mum knows his history; I'm making a request under the "
        "Domestic Violence Disclosure Scheme.",
        aware=NO, agrees=UNKNOWN, partner=True,
        perpetrator=(
            "{partner}, born {partner_dob}. On licence until {licence_end}. Convictions: ABH on a "
            "former partner (2023); child cruelty (2017)."
        ),
    ),
    "housing_mould": Scenario(
        ContactSource.PHONE, ReferralSource.HOUSING, "Camden Housing", "Housing officer",
        "I visited {address} about a disrepair complaint and found mum and the children all "
        "sleeping in one room because of black mould in the others. {child} ({age}) has asthma and "
        "has been in hospital twice this winter. Mum ({mother}) is very anxious and asked if "
        "anyone could help; she is happy for me to refer. I've no worries about how mum cares for "
        "the children, it's the conditions. Repairs are booked but could take eight weeks.",
    ),
    "ae_fracture": Scenario(
        ContactSource.PHONE, ReferralSource.ACCIDENT_EMERGENCY,
        "Royal Free Hospital emergency department", "Paediatric liaison nurse",
        "{child} ({age}) was brought in by mum ({mother}) at 20:30 last night with a swollen left "
        "thigh; the X-ray shows a spiral fracture of the femur. Mum says {his} leg got caught in "
        "the cot bars. {child} is not yet crawling. The consultant paediatrician says the "
        "explanation does not fit the injury. A skeletal survey and bloods are planned today and "
        "{child} is staying on the ward. Mum knows we are contacting children's services.",
        agrees=UNKNOWN, ages=(0, 0),
    ),
    "midwife_prebirth": Scenario(
        ContactSource.PHONE, ReferralSource.OTHER_HEALTH, "Camden Health (specialist midwifery)",
        "Specialist midwife",
        "{mother} is {weeks} weeks pregnant, due {edd}. She has a long history of heroin use and "
        "is on a methadone script, but says she is using 'now and then' on top. Her two older "
        "children live with their paternal grandmother under a special guardianship order. She is "
        "sofa-surfing with a friend and has no cot or baby things yet. She booked late, at 24 "
        "weeks. She agrees to a pre-birth referral and says she wants to keep this baby.",
        knowledge="Has seen mum at three antenatal appointments.", unborn=True,
    ),
    "youth_county_lines": Scenario(
        ContactSource.PHONE, ReferralSource.LA_INTERNAL, "Integrated Youth Support Service",
        "Youth worker",
        "{child} ({age}) told me he's been asked to 'hold a package' for some older boys, and he's "
        "turned up with new trainers and a second phone. Mum ({mother}) rang us last week because "
        "he's been coming home after midnight and won't say where he's been. I'm worried he's "
        "being drawn into county lines. He doesn't want mum told what he said to me, but mum has "
        "asked us for help.",
        agrees=UNKNOWN,
        agreement=(
            "Mum asked the youth service for help; she does not yet know about this referral."
        ),
        ages=(13, 16), sex=Sex.MALE,
    ),
    "merlin_missing": Scenario(
        ContactSource.POLICE_MERLIN, ReferralSource.POLICE, "Metropolitan Police (Camden PPD)",
        "PPD officer",
        "MERLIN {merlin}. {child} ({age}) was reported missing by mum at 22:00. Officers found her "
        "at 03:10 in a flat in Kentish Town with two adult males aged about 25, who were spoken "
        "to. {child} had alcohol and a new phone she couldn't explain. Returned home; return home "
        "interview requested. This is the second missing episode this month. CSE risk indicators "
        "present. Police RAG: RED.",
        agrees=UNKNOWN, ages=(13, 16), sex=Sex.FEMALE, hours=(7, 8),
    ),
    "grandparent_drink": Scenario(
        ContactSource.PHONE, ReferralSource.FAMILY, "", "",
        "I'm {child}'s nan. My daughter's drinking again, it's bad this time. I've had the kids at "
        "mine the last three weekends because she can't cope. Last Sunday she turned up drunk to "
        "collect them and I wouldn't let them go with her, and she screamed at me on the doorstep "
        "in front of them. I love them to bits but I'm 68 and I'm not well myself. She doesn't "
        "know I'm ringing you.",
        professional=False, relationship="Maternal grandmother",
        knowledge="Sees the children every week and has them most weekends.", aware=NO,
        agrees=UNKNOWN,
    ),
    "self_referral": Scenario(
        ContactSource.PHONE, ReferralSource.SELF, "", "",
        "{child} ({age}) rang us. {He} was thrown out by mum after a big row last night and slept "
        "at a friend's. The friend's mum says {he} can't stay another night. {He} says mum told "
        "{him} not to come back and changed the lock. {He} has nowhere to stay tonight and £3 on "
        "{his} phone.",
        professional=False, relationship="The young person", aware=NO, agrees=UNKNOWN,
        ages=(16, 17),
    ),
    "school_disclosure": Scenario(
        ContactSource.PHONE, ReferralSource.SCHOOL, "{school}", "Designated safeguarding lead",
        "During a PSHE lesson today {child} ({age}) told her teaching assistant that mum's "
        "boyfriend \"comes in my room at night when mummy's asleep and I don't like it\". The TA "
        "didn't ask any more questions and wrote down exactly what {child} said; I have the note. "
        "{child} seemed upset afterwards and asked if she was in trouble. We have not spoken to "
        "mum. {child} goes home at 3.15.",
        aware=NO, agrees=UNKNOWN,
        agreement="School have not told mum because of the nature of the disclosure.", ages=(5, 10),
        sex=Sex.FEMALE, setting=True,
        perpetrator=(
            "Mum's boyfriend, known to {child} as 'Dean'. Surname and date of birth not known. "
            "Does not live there but stays over some nights."
        ),
    ),
}  # fmt: skip

# ~40 contacts, oldest first when logged. Three families get three contacts within a year
# (tags A, B, C), so their latest is flagged "consider a Child and Family Assessment".
PLAN: tuple[Planned, ...] = (
    Planned("info_attendance", OPEN_EH, S.INFORMATION_ONLY, 240, family="B"),
    Planned("merlin_missing", OPEN_CSSW, S.PASSED_TO_ALLOCATED_WORKER, 120, family="C"),
    Planned("info_short_breaks", None, S.INFORMATION_ONLY, 20),
    Planned(
        "school_bruising", NOT_KNOWN, S.AWAITING_RATING, 19, family="A", rate=("amber", 4, True, "")
    ),
    Planned("probation", OPEN_CSSW, S.PASSED_TO_ALLOCATED_WORKER, 18),
    Planned("anonymous_alone", NOT_KNOWN, S.AWAITING_RATING, 18, rate=("red", 4, True, "")),
    Planned("la_transfer", NOT_KNOWN, S.AWAITING_RATING, 17, by="senior"),
    Planned("housing_mould", OPEN_EH, S.PASSED_TO_ALLOCATED_WORKER, 16, family="B"),
    Planned("ecaf_nursery", NOT_KNOWN, S.AWAITING_RATING, 15),
    Planned(
        "midwife_prebirth",
        NOT_KNOWN,
        S.AWAITING_RATING,
        14,
        rate=("amber", 3, False, "daily_discussion"),
    ),
    Planned(
        "self_referral", NOT_KNOWN, S.AWAITING_RATING, 13, rate=("green", 2, False, "early_help")
    ),
    Planned("info_nursery_advice", None, S.INFORMATION_ONLY, 12),
    Planned("edt_missing", OPEN_CSSW, S.PASSED_TO_ALLOCATED_WORKER, 12, family="C"),
    Planned("gp_mental_health", CLOSED_LONG, S.AWAITING_RATING, 11),
    Planned(
        "neighbour_shouting",
        NOT_KNOWN,
        S.AWAITING_RATING,
        10,
        family="A",
        rate=("amber", 4, True, ""),
    ),
    Planned(
        "hv_neglect",
        NOT_KNOWN,
        S.AWAITING_RATING,
        9,
        rate=("amber", 3, False, "social_work_referral"),
    ),
    Planned("merlin_da_standard", OPEN_EH, S.PASSED_TO_ALLOCATED_WORKER, 9),
    Planned("merlin_da_high", CLOSED_RECENT, S.AWAITING_RATING, 8),
    Planned("info_parenting", None, S.INFORMATION_ONLY, 7),
    Planned("youth_county_lines", CLOSED_LONG, S.AWAITING_RATING, 7, rate=("amber", 3, True, "")),
    Planned("court_s7", OPEN_CSSW, S.PASSED_TO_ALLOCATED_WORKER, 6, by="senior"),
    Planned("self_referral", CLOSED_LONG, S.AWAITING_RATING, 6),
    Planned("ae_fracture", NOT_KNOWN, S.AWAITING_RATING, 5, by="senior", rate=("red", 4, True, "")),
    Planned("step_up", OPEN_EH, S.AWAITING_RATING, 5),
    Planned("school_disclosure", CLOSED_RECENT, S.AWAITING_RATING, 4),
    Planned("grandparent_drink", OPEN_EH, S.PASSED_TO_ALLOCATED_WORKER, 3, family="B"),
    Planned("neighbour_shouting", CLOSED_RECENT, S.AWAITING_RATING, 3),
    Planned("school_nurse_self_harm", OPEN_CSSW, S.PASSED_TO_ALLOCATED_WORKER, 2, family="C"),
    Planned("ecaf_family_support", NOT_KNOWN, S.SUBMITTED, 2),
    Planned("edt_missing", NOT_KNOWN, S.SUBMITTED, 2),
    Planned("anonymous_alone", NOT_KNOWN, S.SUBMITTED, 1, family="A"),
    Planned("hv_neglect", CLOSED_RECENT, S.SUBMITTED, 1),
    Planned("housing_mould", NOT_KNOWN, S.SUBMITTED, 1),
    Planned("neighbour_shouting", CLOSED_LONG, S.SUBMITTED, 1),
    Planned("merlin_da_standard", NOT_KNOWN, S.SUBMITTED, 0),
    Planned("school_bruising", OPEN_CSSW, S.SUBMITTED, 0),
    Planned("youth_county_lines", NOT_KNOWN, S.DRAFT, 1, stop_after="family"),
    Planned("ecaf_nursery", NOT_KNOWN, S.DRAFT, 1, stop_after="details"),
    Planned("merlin_da_high", NOT_KNOWN, S.DRAFT, 0, stop_after="people"),
    Planned("school_disclosure", NOT_KNOWN, S.DRAFT, 0, stop_after="concerns"),
    Planned("gp_mental_health", NOT_KNOWN, S.DRAFT, 0, stop_after="referrer"),
)
STEPS = ("details", "referrer", "concerns", "people", "family")
# Short: contact_screen puts the rationale into the history change reason (100 characters).
RATIONALE = {
    S.INFORMATION_ONLY: "Advice only; signposted.",
    S.PASSED_TO_ALLOCATED_WORKER: "Open case: allocated worker alerted.",
    S.AWAITING_RATING: "Checks done: not open to a service.",
}


def focus_child(family: Family, scenario: Scenario, today: dt.date) -> Person | None:
    """The child the contact is mostly about, if the family has one who fits."""
    if scenario.unborn:
        return family.unborn
    lo, hi = scenario.ages
    for child in family.born:
        if child.sex == Sex.UNKNOWN or not lo <= child.age_on(today) <= hi:
            continue
        if scenario.setting and not child.school_or_nursery:
            continue
        if not scenario.sex or child.sex == scenario.sex:
            return child
    return None


def _fits(family: Family, scenario: Scenario, today: dt.date) -> bool:
    if scenario.partner and not family.adult(RelationshipType.PARENTS_PARTNER):
        return False
    if scenario.mother and not family.adult(RelationshipType.MOTHER):
        return False
    if scenario.unborn != (family.born == []):
        return False
    if scenario.siblings and len(family.born) < 2:
        return False
    return focus_child(family, scenario, today) is not None


def choose_families(
    families: list[Family], maker: FamilyMaker
) -> tuple[list[Family | None], dict[int, str]]:
    """Pick a fitting family for each planned contact, and say what history each one needs.

    If none is left that fits (ages move on with the calendar), make one more family that does.
    """
    today = maker.today
    chosen: list[Family | None] = []
    claimed: dict[int, str] = {}
    by_tag: dict[str, int] = {}
    for planned in PLAN:
        if planned.history is None:
            chosen.append(None)
            continue
        if planned.family in by_tag:
            chosen.append(families[by_tag[planned.family]])
            continue
        tagged = [p for p in PLAN if p == planned or (p.family and p.family == planned.family)]
        needs = [SCENARIOS[p.scenario] for p in tagged]

        def fits(family: Family, needs: list[Scenario] = needs) -> bool:
            return all(_fits(family, scenario, today) for scenario in needs)

        free = (i for i, f in enumerate(families) if i not in claimed and fits(f))
        index = next(free, None)
        for _ in range(500 if index is None else 0):
            family = maker.family(
                children=0 if needs[0].unborn else maker.rng.randint(1, 3),
                unborn=needs[0].unborn,
                shape="partner" if any(n.partner for n in needs) else "mother",
            )
            families.append(family)
            if fits(family):
                index = len(families) - 1
                break
        if index is None:
            raise ValueError(f"No demo family fits the {planned.scenario} contact.")
        claimed[index] = planned.history
        if planned.family:
            by_tag[planned.family] = index
        chosen.append(families[index])
    return chosen, claimed
