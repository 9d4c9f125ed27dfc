"""People, households, involvements and contacts: what the front door records.

Codes follow the DfE CIN census (sex, ethnicity, referral source) so the statutory
returns can be produced from these rows without translation tables.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from accounts.models import Team
from core.enums import Rag, RatingOutcome, YesNoUnknown
from core.text import lower_in_sentence
from core.urls import reverse_pk
from thresholds.models import ThresholdIndicator


class Sex(models.TextChoices):
    MALE = "M", "Male"
    FEMALE = "F", "Female"
    UNKNOWN = "U", "Not known or not recorded"


class Ethnicity(models.TextChoices):
    WBRI = "WBRI", "White: British"
    WIRI = "WIRI", "White: Irish"
    WIRT = "WIRT", "White: Traveller of Irish heritage"
    WOTH = "WOTH", "White: any other White background"
    WROM = "WROM", "White: Gypsy or Roma"
    MWBC = "MWBC", "Mixed: White and Black Caribbean"
    MWBA = "MWBA", "Mixed: White and Black African"
    MWAS = "MWAS", "Mixed: White and Asian"
    MOTH = "MOTH", "Mixed: any other mixed background"
    AIND = "AIND", "Asian or Asian British: Indian"
    APKN = "APKN", "Asian or Asian British: Pakistani"
    ABAN = "ABAN", "Asian or Asian British: Bangladeshi"
    AOTH = "AOTH", "Asian or Asian British: any other Asian background"
    BCRB = "BCRB", "Black or Black British: Caribbean"
    BAFR = "BAFR", "Black or Black British: African"
    BOTH = "BOTH", "Black or Black British: any other Black background"
    CHNE = "CHNE", "Chinese"
    OOTH = "OOTH", "Any other ethnic group"
    REFU = "REFU", "Refused"
    NOBT = "NOBT", "Information not yet obtained"


class UpnUnknown(models.TextChoices):
    """CIN census UPNunknown: why a child has no unique pupil number."""

    UN1 = "UN1", "UN1: child not of school age or in pre-school education"
    UN2 = "UN2", "UN2: never attended a maintained school in England"
    UN3 = "UN3", "UN3: educated outside England"
    UN4 = "UN4", "UN4: UPN not yet known (newly arrived, records awaited)"
    UN5 = "UN5", "UN5: sources disagree"
    UN6 = "UN6", "UN6: child aged 19 or over"
    UN7 = "UN7", "UN7: referral ended with no further action"


class Disability(models.TextChoices):
    """CIN census disability codes. NONE may not be combined with the others."""

    NONE = "NONE", "No disability"
    MOB = "MOB", "Mobility"
    HAND = "HAND", "Hand function"
    PC = "PC", "Personal care"
    INC = "INC", "Incontinence"
    COMM = "COMM", "Communication"
    LD = "LD", "Learning"
    HEAR = "HEAR", "Hearing"
    VIS = "VIS", "Vision"
    BEH = "BEH", "Behaviour"
    CON = "CON", "Consciousness"
    AUT = "AUT", "Autism or Asperger syndrome"
    DDA = "DDA", "Other disability (Disability Discrimination Act)"


class PrimaryNeed(models.TextChoices):
    """CIN census primary need code, given when a child is referred to social care."""

    N1 = "N1", "N1: abuse or neglect"
    N2 = "N2", "N2: child's disability or illness"
    N3 = "N3", "N3: parental disability or illness"
    N4 = "N4", "N4: family in acute stress"
    N5 = "N5", "N5: family dysfunction"
    N6 = "N6", "N6: socially unacceptable behaviour"
    N7 = "N7", "N7: low income"
    N8 = "N8", "N8: absent parenting"
    N9 = "N9", "N9: cases other than children in need"
    N0 = "N0", "N0: not stated"


class CinClosureReason(models.TextChoices):
    """CIN census ReasonForClosure."""

    RC1 = "RC1", "RC1: adopted"
    RC2 = "RC2", "RC2: died"
    RC3 = "RC3", "RC3: child arrangements order"
    RC4 = "RC4", "RC4: special guardianship order"
    RC5 = "RC5", "RC5: transferred to another local authority"
    RC6 = "RC6", "RC6: transferred to adult social care"
    RC7 = "RC7", "RC7: services ceased for any other reason, including no longer in need"
    RC8 = "RC8", "RC8: case closed after assessment, no further action"
    RC9 = "RC9", "RC9: case closed after assessment, referred to early help"


class NumberSequence(models.Model):
    """Gap-tolerant counters for human-facing numbers (case numbers, contact references)."""

    name = models.CharField(max_length=30, primary_key=True)
    last_value = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}={self.last_value}"


class Address(models.Model):
    line_1 = models.CharField("Address line 1", max_length=120)
    line_2 = models.CharField("Address line 2", max_length=120, blank=True)
    town = models.CharField("Town or city", max_length=80, blank=True)
    postcode = models.CharField(max_length=10, blank=True, db_index=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "addresses"

    def __str__(self) -> str:
        return ", ".join(p for p in (self.line_1, self.line_2, self.town, self.postcode) if p)


class Person(models.Model):
    """A child or adult known to the service. `case_number` is the local case number (CIN LAchildID)."""

    case_number = models.CharField(max_length=20, unique=True, editable=False)
    nhs_number = models.CharField("NHS number", max_length=10, null=True, blank=True, unique=True)
    first_name = models.CharField(max_length=80)
    middle_names = models.CharField(max_length=120, blank=True)
    last_name = models.CharField(max_length=80)
    known_as = models.CharField("Also known as", max_length=160, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    expected_date_of_birth = models.DateField(
        null=True, blank=True, help_text="For an unborn child only."
    )
    date_of_death = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    ethnicity = models.CharField(max_length=4, choices=Ethnicity.choices, default=Ethnicity.NOBT)
    first_language = models.CharField(max_length=60, blank=True)
    interpreter_needed = models.BooleanField(default=False)
    religion = models.CharField(max_length=60, blank=True)
    communication_needs = models.TextField(
        blank=True, help_text="How the person communicates, and any support they need to do so."
    )
    special_needs = models.TextField("Special needs or disability", blank=True)
    address = models.ForeignKey(
        Address, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    school_or_nursery = models.CharField(max_length=160, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    # CIN census items (docs/adr/0012-statutory-returns.md): the unique pupil number or why
    # there is none, and the disability codes ([] not yet recorded, ["NONE"] no disability).
    upn = models.CharField("Unique pupil number (UPN)", max_length=13, blank=True)
    upn_unknown = models.CharField(
        "Reason there is no UPN", max_length=3, choices=UpnUnknown.choices, blank=True
    )
    disabilities = models.JSONField("Disabilities (CIN census codes)", default=list, blank=True)
    # Matching keys, kept in step with the names by person_create/person_update (referrals/matching.py).
    last_name_key = models.CharField(max_length=12, editable=False, default="")
    first_name_key = models.CharField(max_length=12, editable=False, default="")
    first_initial = models.CharField(max_length=1, editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Counts saves through person_update; an edit page sends back the version it showed, so
    # a save over someone else's later one is refused instead of silently reverting it.
    version = models.PositiveIntegerField(default=1, editable=False)
    # Set when the person's records were destroyed at the end of retention (privacy, ADR 0014):
    # the row stays, emptied of everything personal, so the statistics that count it still add up.
    destroyed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set when this record was found to be a duplicate and merged (referrals/merging.py): the row
    # stays as a tombstone so old links and history lead to the record that was kept.
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_records",
        editable=False,
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["last_name", "first_name"]
        permissions = [
            ("search_person", "Can search for people"),
            ("merge_person", "Can merge two records of the same person"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_of_birth__isnull=True) | Q(expected_date_of_birth__isnull=True),
                name="person_dob_or_expected_dob",
                violation_error_message="Give a date of birth or an expected date of birth, not both.",
            ),
        ]
        indexes = [
            models.Index(fields=["date_of_birth"], name="person_dob"),
            models.Index(fields=["expected_date_of_birth"], name="person_expected_dob"),
            models.Index(fields=["last_name_key", "first_initial"], name="person_name_key"),
            # Lists of people by name a page at a time (a team's open children on the step-down
            # form): read in name order and stopped at the page, not every one sorted.
            models.Index(fields=["last_name", "first_name", "id"], name="person_name_order"),
            models.Index(fields=["first_name_key", "date_of_birth"], name="person_first_key_dob"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse_pk("referrals:person_detail", self.pk)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.middle_names, self.last_name) if p)

    @property
    def is_unborn(self) -> bool:
        return self.date_of_birth is None and self.expected_date_of_birth is not None

    def age_on(self, day: dt.date) -> int | None:
        if self.date_of_birth is None:
            return None
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class SearchKeyKind(models.TextChoices):
    NAME = "name", "Part of a name"
    ADDRESS = "address", "Part of the address or postcode"


class PersonSearchKey(models.Model):
    """One normalised part of a person's names (first, middle, last, known-as) or address, so a
    search finds "Smith" in "Okafor-Smith", a known-as name, or a postcode from two characters
    through an index (referrals/search.py). Kept in step by the services that save a person."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="search_keys")
    kind = models.CharField(max_length=8, choices=SearchKeyKind.choices)
    value = models.CharField(max_length=80)
    # Carried over from a record merged into this one, so the old name still finds the survivor.
    inherited = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "value"], name="person_search_key_once"
            ),
        ]
        indexes = [
            # varchar_pattern_ops (PostgreSQL) serves `LIKE 'sm%'` as well as equality whatever
            # the database's collation; SQLite ignores operator classes.
            models.Index(
                fields=["kind", "value"],
                name="person_search_key_prefix",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"


class PersonMerge(models.Model):
    """Two records of one person made one: who merged them, why, and every row that moved."""

    kept = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_kept")
    merged = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="merge_record")
    reason = models.TextField()
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    merged_at = models.DateTimeField()
    # [{"what": "Contact C0000042", "kind": "Contact link", "action": "moved"}, ...]
    moved = models.JSONField(default=list)
    # Labels of the details the kept record lacked and took from the merged one (the values
    # are in the kept record's history, not copied here).
    details_taken = models.JSONField(default=list)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-merged_at"]

    def __str__(self) -> str:
        return f"{self.merged.case_number} merged into {self.kept.case_number}"

    def get_absolute_url(self) -> str:
        return reverse("referrals:person_merge_record", args=[self.pk])


class RelationshipType(models.TextChoices):
    MOTHER = "mother", "Mother"
    FATHER = "father", "Father"
    STEP_PARENT = "step_parent", "Step-parent"
    PARENTS_PARTNER = "parents_partner", "Parent's partner"
    GRANDPARENT = "grandparent", "Grandparent"
    SIBLING = "sibling", "Sibling"
    AUNT_UNCLE = "aunt_uncle", "Aunt or uncle"
    FOSTER_CARER = "foster_carer", "Foster carer"
    SPECIAL_GUARDIAN = "special_guardian", "Special guardian"
    FAMILY_FRIEND = "family_friend", "Family friend"
    OTHER = "other", "Other"


class PersonRelationship(models.Model):
    """`relative` is the <relationship> of `person` (e.g. relative is the mother of person)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships")
    relative = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="relationships_as_relative"
    )
    relationship = models.CharField(max_length=20, choices=RelationshipType.choices)
    has_parental_responsibility = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "relative"], name="relationship_unique_pair"),
            models.CheckConstraint(
                condition=~Q(person=models.F("relative")), name="relationship_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.relative} is {lower_in_sentence(self.get_relationship_display())} of {self.person}"


class Household(models.Model):
    address = models.ForeignKey(
        Address, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Household {self.pk}" + (f" at {self.address}" if self.address_id else "")


class HouseholdMember(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="household_memberships"
    )
    joined_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["household", "person"],
                condition=Q(left_on__isnull=True),
                name="household_member_current_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.household}"


class Service(models.TextChoices):
    SOCIAL_CARE = "cssw", "Children's social care"
    EARLY_HELP = "early_help", "Early help"


class Involvement(models.Model):
    """A period in which a child's case was open to social care or early help."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="involvements")
    service = models.CharField(max_length=12, choices=Service.choices)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    allocated_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-opened_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="involvement_closes_after_opening",
            )
        ]
        indexes = [
            models.Index(fields=["person", "closed_on"], name="involvement_person_open"),
            # The children open to a team (the step-down form): a few thousand open rows of a
            # team's decades of closed ones.
            models.Index(
                fields=["team", "service", "person"],
                name="involvement_team_open",
                condition=Q(closed_on__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_service_display()} {self.opened_on:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class ContactSource(models.TextChoices):
    PHONE = "phone", "Phone call"
    ECAF = "ecaf", "e-CAF or early help assessment"
    ONLINE_FORM = "online_form", "Online form"
    POLICE_MERLIN = "police_merlin", "Police MERLIN report"
    EDT_REPORT = "edt_report", "Out-of-hours (EDT) report"
    INFORMATION_REQUEST = (
        "information_request",
        "Request for information (court, another council, a service)",
    )
    STEP_UP = "step_up", "Step-up from early help"
    STEP_DOWN = "step_down", "Step-down from social work"


class ReferralSource(models.TextChoices):
    """The CIN census referral source codes."""

    FAMILY = "1A", "Individual: family member, relative or carer"
    ACQUAINTANCE = "1B", "Individual: acquaintance (neighbour, childminder)"
    SELF = "1C", "Individual: self"
    OTHER_INDIVIDUAL = "1D", "Individual: other"
    SCHOOL = "2A", "School"
    EDUCATION = "2B", "Education services"
    GP = "3A", "Health: GP"
    HEALTH_VISITOR = "3B", "Health: health visitor"
    SCHOOL_NURSE = "3C", "Health: school nurse"
    PRIMARY_HEALTH = "3D", "Health: other primary health services"
    ACCIDENT_EMERGENCY = "3E", "Health: A&E"
    OTHER_HEALTH = "3F", "Health: other"
    HOUSING = "4", "Housing"
    LA_SOCIAL_CARE = "5A", "Local authority: social care"
    LA_INTERNAL = "5B", "Local authority: other internal services"
    LA_EXTERNAL = "5C", "Local authority: another council"
    LA_EARLY_HELP = "5D", "Local authority: early help"
    POLICE = "6", "Police"
    LEGAL_AGENCY = "7", "Other legal agency (courts, probation, Cafcass, prison)"
    OTHER = "8", "Other (children's centres, voluntary organisations)"
    ANONYMOUS = "9", "Anonymous"
    UNKNOWN = "10", "Unknown"


# The referral source each way in implies when the referrer does not say otherwise.
SOURCE_DEFAULT_REFERRAL_SOURCE: dict[str, str] = {
    ContactSource.POLICE_MERLIN: ReferralSource.POLICE,
    ContactSource.EDT_REPORT: ReferralSource.LA_SOCIAL_CARE,
    ContactSource.INFORMATION_REQUEST: ReferralSource.LEGAL_AGENCY,
    ContactSource.STEP_UP: ReferralSource.LA_EARLY_HELP,
    ContactSource.STEP_DOWN: ReferralSource.LA_SOCIAL_CARE,
}
PUBLIC_REFERRAL_SOURCES = {
    ReferralSource.FAMILY,
    ReferralSource.ACQUAINTANCE,
    ReferralSource.SELF,
    ReferralSource.OTHER_INDIVIDUAL,
    ReferralSource.ANONYMOUS,
}


class ContactStatus(models.TextChoices):
    DRAFT = "draft", "In progress"
    SUBMITTED = "submitted", "New: awaiting screening"
    INFORMATION_ONLY = "information_only", "Closed: information only"
    PASSED_TO_ALLOCATED_WORKER = "passed_to_worker", "Passed to allocated worker"
    ASSIGNED_TO_PREVIOUS_TEAM = "assigned_to_team", "Assigned to previous team"
    AWAITING_RATING = "awaiting_rating", "Awaiting initial rating"
    WITH_MASH = "with_mash", "With the MASH manager"
    REFERRED_TO_SOCIAL_WORK = "referred_to_social_work", "Referred to a social work team"
    DAILY_DISCUSSION = "daily_discussion", "For the daily discussion"
    WITH_EARLY_HELP = "with_early_help", "With the early help duty manager"
    INFORMATION_AND_ADVICE = "information_and_advice", "Provision of information and advice"
    CLOSED_NFA = "closed_nfa", "Closed: no further action"


class Contact(models.Model):
    """A worry about one or more children, as it arrived at the front door."""

    reference = models.CharField(max_length=20, unique=True, editable=False)
    status = models.CharField(
        max_length=30, choices=ContactStatus.choices, default=ContactStatus.DRAFT
    )
    source = models.CharField(max_length=20, choices=ContactSource.choices)
    received_at = models.DateTimeField()
    information_only = models.BooleanField(
        "The caller wants information or advice only", default=False
    )
    ecaf_safeguarding = models.BooleanField(
        "Safeguarding box ticked on the e-CAF", null=True, blank=True
    )
    requesting_body = models.CharField(
        max_length=160,
        blank=True,
        help_text="For a request for information: the court, council or service asking.",
    )
    # The referrer.
    referrer_name = models.CharField(max_length=160, blank=True)
    referrer_is_professional = models.BooleanField(null=True, blank=True)
    referrer_organisation = models.CharField(max_length=160, blank=True)
    referrer_role = models.CharField(max_length=120, blank=True)
    referral_source = models.CharField(
        "Referral source (CIN census)", max_length=2, choices=ReferralSource.choices, blank=True
    )
    referrer_relationship = models.CharField(
        "Relationship to the family", max_length=160, blank=True
    )
    referrer_knowledge = models.TextField("How well the referrer knows the family", blank=True)
    referrer_phone = models.CharField(max_length=40, blank=True)
    referrer_email = models.EmailField(blank=True)
    referrer_address = models.CharField(max_length=250, blank=True)
    # What the referrer told us.
    concerns = models.TextField("Concerns, in the referrer's words", blank=True)
    alleged_perpetrator_details = models.TextField(blank=True)
    family_aware = models.CharField(
        "Does the family know about the referral?",
        max_length=10,
        choices=YesNoUnknown.choices,
        blank=True,
    )
    family_agrees = models.CharField(
        "Does the family agree to the referral?",
        max_length=10,
        choices=YesNoUnknown.choices,
        blank=True,
    )
    family_agreement_details = models.TextField(blank=True)
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts"
    )
    # Set by the services.
    consider_assessment = models.BooleanField(
        "Consider a Child and Family Assessment", default=False, editable=False
    )
    signposting = models.TextField("Information or signposting given", blank=True)
    # The latest rating, kept on the contact so queues and dashboards filter without a join.
    rag = models.CharField("RAG rating", max_length=5, choices=Rag.choices, blank=True)
    level = models.PositiveSmallIntegerField("Level of need", null=True, blank=True)
    referrer_told_at = models.DateTimeField(null=True, blank=True)
    information_and_advice_done_at = models.DateTimeField(
        "Provision of information and advice completed", null=True, blank=True
    )
    written_follow_up_at = models.DateTimeField(
        "Written follow-up of a phone referral received", null=True, blank=True
    )
    screening_rationale = models.TextField(blank=True)
    assigned_team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="assigned_contacts"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_contacts",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    screened_at = models.DateTimeField(null=True, blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # 0 a police-rated red MERLIN, 1 amber, 2 everything else: the new-contacts queue's first key.
    screening_priority = models.PositiveSmallIntegerField(default=2, editable=False)
    # Set by whoever logs the contact: it goes to the top of the screening and rating queues.
    urgent = models.BooleanField("Urgent", default=False)
    urgent_reason = models.TextField("Why it is urgent", blank=True)
    # Set by contact_correct: the contact page says it was corrected (ContactCorrection rows).
    corrected_at = models.DateTimeField(null=True, blank=True, editable=False)
    people = models.ManyToManyField(Person, through="ContactPerson", related_name="contacts")
    # Counts saves of the draft's sections (contact_update_section), which guards them
    # against two people editing one section at once; moves between states lock the row.
    version = models.PositiveIntegerField(default=1, editable=False)
    # Set when the contact was destroyed at the end of retention (privacy, ADR 0014): the row
    # stays, emptied of personal data, so the figures and returns for its year still count it.
    destroyed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set by the move that settles early help's referral decision (the decision itself, a
    # step-up to the MASH, or a step-down, which goes to the panel instead). The contact keeps
    # its status (WITH_EARLY_HELP still means early help holds it, for the figures and
    # retention), but it leaves the decision queue, whose index (contact_early_help_awaiting)
    # holds only the contacts still waiting.
    early_help_decided = models.BooleanField(default=False, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_at"]
        permissions = [
            ("screen_contact", "Can screen a contact"),
            ("rate_contact", "Can give a contact its initial rating"),
            # The team queue shows the contacts granted to the user's team (team managers).
            ("view_team_contacts", "Can see the contacts assigned to their team"),
            ("correct_contact", "Can correct a submitted contact, with a reason"),
            ("oversee_contact", "Can record management oversight of a contact"),
        ]
        indexes = [
            models.Index(fields=["status", "received_at"], name="contact_queue"),
            # What each team holds, by status (reporting's workload figure): counted from the
            # index alone, never from the rows of every open contact.
            models.Index(fields=["status", "assigned_team"], name="contact_status_team"),
            models.Index(
                fields=["created_by", "status", "-created_at"], name="contact_author_queue"
            ),
            models.Index(
                fields=["assigned_team", "status", "received_at"], name="contact_team_queue"
            ),
            # The team queue lists every status but a draft, oldest first, a page at a time:
            # walking this index and probing each row's grants stops after one page. Partial,
            # so `status <> 'draft'` is the index's own condition rather than a filter.
            models.Index(
                fields=["assigned_team", "received_at"],
                condition=~Q(status="draft"),
                name="contact_team_submitted",
            ),
            # The early help decision queue: only the contacts still waiting for the decision,
            # not the years of decided ones early help still holds.
            models.Index(
                fields=["received_at"],
                condition=Q(status="with_early_help", early_help_decided=False),
                name="contact_early_help_awaiting",
            ),
            models.Index(
                fields=["assigned_to", "status", "received_at"], name="contact_worker_queue"
            ),
            # A worker's tray: the contacts passed to them, newest first, whatever their status.
            models.Index(fields=["assigned_to", "received_at"], name="contact_worker_received"),
            # The new-contacts queue: urgent first, then red and amber police MERLINs, oldest first.
            models.Index(
                fields=["status", "-urgent", "screening_priority", "received_at"],
                name="contact_urgent_screening",
            ),
            # The awaiting-rating queue: urgent first, then oldest first.
            models.Index(fields=["status", "-urgent", "received_at"], name="contact_urgent_queue"),
            # Management information counts the contacts received in a period, whatever
            # their status (reporting.figures; benchmarks/mi_benchmark.py).
            models.Index(fields=["received_at"], name="contact_received"),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse_pk("referrals:contact_detail", self.pk)

    @property
    def is_draft(self) -> bool:
        return self.status == ContactStatus.DRAFT

    @property
    def is_from_public(self) -> bool:
        return (
            self.referrer_is_professional is False
            or self.referral_source in PUBLIC_REFERRAL_SOURCES
        )


class ContactRole(models.TextChoices):
    CHILD = "child", "Child the contact is about"
    PARENT_CARER = "parent_carer", "Parent or carer"
    HOUSEHOLD_MEMBER = "household_member", "Other member of the household"
    ALLEGED_PERPETRATOR = "alleged_perpetrator", "Alleged perpetrator"
    OTHER_ADULT = "other_adult", "Other significant adult"


class KnownStatus(models.TextChoices):
    """Whether a child was known to the service, as found when the contact was screened."""

    OPEN_SOCIAL_CARE = "open_cssw", "Open to social care"
    OPEN_EARLY_HELP = "open_eh", "Open to early help"
    CLOSED_SOCIAL_CARE = "closed_cssw", "Previously known to social care (closed)"
    CLOSED_EARLY_HELP = "closed_eh", "Previously known to early help (closed)"
    NOT_KNOWN = "not_known", "Not known"


class ContactPerson(models.Model):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="contact_people")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="contact_links")
    role = models.CharField(max_length=20, choices=ContactRole.choices)
    relationship_to_children = models.CharField(
        max_length=20, choices=RelationshipType.choices, blank=True
    )
    has_parental_responsibility = models.BooleanField(null=True, blank=True)
    lives_with_children = models.BooleanField(null=True, blank=True)
    known_status = models.CharField(
        max_length=12, choices=KnownStatus.choices, blank=True, editable=False
    )
    # A copy of the contact's `received_at` once the contact counts (submitted), NULL while it
    # is a draft. The management information's repeat-contact figure reads a year and more of
    # children's contacts in date order from this table alone (the index below), instead of
    # joining 345,000 links to their contacts for the date (issue 13). A submitted contact's
    # `received_at` never changes (corrections leave it alone), so the copy is written when a
    # link is saved (`save`) and when the contact leaves DRAFT (`referrals.lifecycle`). It is a
    # derived copy, not a fact anyone recorded: history leaves it out.
    received_at = models.DateTimeField(null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["received_at"])

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["contact", "person"], name="contact_person_once"),
        ]
        indexes = [
            models.Index(fields=["person", "role"], name="contact_person_role"),
            models.Index(
                fields=["received_at", "person", "contact"],
                name="contact_person_child_received",
                condition=models.Q(role=ContactRole.CHILD, received_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()}) on {self.contact}"

    def save(self, *args, **kwargs) -> None:
        if self.received_at is None and not self.contact.is_draft:
            self.received_at = self.contact.received_at
        super().save(*args, **kwargs)

    @property
    def is_child(self) -> bool:
        return self.role == ContactRole.CHILD


class DuplicateStatus(models.TextChoices):
    OPEN = "open", "Possible duplicate"
    LINKED = "linked", "Handled together"
    DISMISSED = "dismissed", "Not a duplicate"


class ContactDuplicate(models.Model):
    """A flag that `contact` may report the same incident as the earlier `duplicate_of` (the same
    child within the profile's window), until screening links them or dismisses the flag."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="duplicate_flags")
    duplicate_of = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="duplicated_by"
    )
    status = models.CharField(
        max_length=10, choices=DuplicateStatus.choices, default=DuplicateStatus.OPEN
    )
    found_at = models.DateTimeField()
    reason = models.TextField("Reason", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["found_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "duplicate_of"], name="contact_duplicate_once"
            ),
            models.CheckConstraint(
                condition=~Q(contact=models.F("duplicate_of")), name="contact_duplicate_not_self"
            ),
        ]
        indexes = [
            # Queues prefetch the open flags of a page of contacts, from either side.
            models.Index(fields=["contact", "status"], name="contact_duplicate_contact"),
            models.Index(fields=["duplicate_of", "status"], name="contact_duplicate_of"),
        ]

    def __str__(self) -> str:
        return f"{self.contact} possible duplicate of {self.duplicate_of}"

    @property
    def is_open(self) -> bool:
        return self.status == DuplicateStatus.OPEN


class RatingStage(models.TextChoices):
    INITIAL = "initial", "Initial rating"
    MASH_REVIEW = "mash_review", "MASH manager review"
    FINAL = "final", "Final rating"


class Rating(models.Model):
    """A RAG rating against the threshold table, with who gave it and why."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="ratings")
    stage = models.CharField(max_length=12, choices=RatingStage.choices)
    rag = models.CharField("RAG rating", max_length=5, choices=Rag.choices)
    level = models.PositiveSmallIntegerField("Level of need")
    cp_concerns = models.BooleanField("Child protection concerns")
    indicators = models.ManyToManyField(ThresholdIndicator, blank=True, related_name="+")
    outcome = models.CharField(max_length=30, choices=RatingOutcome.choices)
    rationale = models.TextField()
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    rated_at = models.DateTimeField()
    history = HistoricalRecords(m2m_fields=[indicators])

    class Meta:
        ordering = ["-rated_at"]
        indexes = [models.Index(fields=["contact", "-rated_at"], name="rating_contact_latest")]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.get_rag_display()} on {self.contact}"


class AssessmentType(models.TextChoices):
    CHILD_AND_FAMILY = "cfa", "Child and Family Assessment"
    SECTION_7 = "s7", "Section 7 report"
    SECTION_47 = "s47", "Section 47 enquiry"
    TEAM_TO_DECIDE = "team_to_decide", "For the receiving team manager to decide"


class Referral(models.Model):
    """The Contact and Referral record: a contact passed to a social work team for assessment."""

    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="referrals")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="referrals")
    assessment_type = models.CharField(max_length=15, choices=AssessmentType.choices)
    reason = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    # Set when the decision that made the referral is changed (a MASH manager resolving a
    # disagreement "decision changed": mash.reopen): the row stays as what happened, but the
    # team no longer holds the work, and the returns and MI leave it out (`COUNTED_REFERRAL`).
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    withdrawal_reason = models.TextField(blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["team", "-created_at"], name="referral_team_latest")]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True, withdrawn_by__isnull=True)
                | Q(withdrawn_at__isnull=False, withdrawn_by__isnull=False),
                name="referral_withdrawn_by_whom_and_when",
            )
        ]

    def __str__(self) -> str:
        return f"Referral of {self.contact} to {self.team}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class CinEpisode(models.Model):
    """One child's referral to children's social care as the CIN census counts it.

    Made for each child on a contact when the contact is referred to a social work team (a
    Referral); the primary need is given at that decision, the rest is recorded as the
    receiving team learns it. The census's CINdetails for the child is built from this row.
    """

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="episodes")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cin_episodes")
    referral_date = models.DateField("CIN referral date")
    primary_need = models.CharField(
        "Primary need", max_length=2, choices=PrimaryNeed.choices, blank=True
    )
    nfa = models.BooleanField("The referral ended with no further action", default=False)
    assessment_started_on = models.DateField("Assessment start date", null=True, blank=True)
    assessment_authorised_on = models.DateField(
        "Assessment authorisation date", null=True, blank=True
    )
    closed_on = models.DateField("CIN closure date", null=True, blank=True)
    closure_reason = models.CharField(
        "Reason for closure", max_length=3, choices=CinClosureReason.choices, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["referral_date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "person"], name="cin_episode_once"),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True, closure_reason="")
                | (Q(closed_on__isnull=False) & ~Q(closure_reason="")),
                name="cin_episode_closure_date_and_reason",
                violation_error_message="Give both the closure date and the reason, or neither.",
            ),
        ]
        indexes = [
            models.Index(fields=["referral_date"], name="cin_episode_date"),
            models.Index(fields=["person", "referral_date"], name="cin_episode_person"),
        ]

    def __str__(self) -> str:
        return f"CIN episode of {self.person} from {self.referral_date:%Y-%m-%d}"


# What the statutory returns and the MI count as a referral: not a withdrawn one. A decision
# changed after a disagreement withdraws its referral and the MASH decides again (mash.reopen):
# counting both would report the child referred twice for one contact, the second episode
# overlapping the first (CIN validator rules 8815/8820), for work the team never kept.
COUNTED_REFERRAL = Q(withdrawn_at__isnull=True)
COUNTED_EPISODE = Q(referral__withdrawn_at__isnull=True)


class NoticeChannel(models.TextChoices):
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"


class NoticeAudience(models.TextChoices):
    PROFESSIONAL = "professional", "Professional: the outcome and the allocated team"
    PUBLIC = "public", "Member of the public: that the contact was acted on, nothing more"


class ReferrerNotice(models.Model):
    """What the referrer was sent about one outcome of a contact: an email, or a letter to post.

    One per outcome of a referrer-told clock: each outcome starts a clock (or finds one still
    open), and the notice of the current outcome meets it (a letter once it is posted).
    """

    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="referrer_notices")
    deadline = models.ForeignKey(
        "thresholds.Deadline", on_delete=models.PROTECT, related_name="referrer_notices"
    )
    outcome = models.CharField(
        "Outcome told", max_length=30, choices=ContactStatus.choices, editable=False
    )
    audience = models.CharField(max_length=12, choices=NoticeAudience.choices)
    channel = models.CharField(max_length=6, choices=NoticeChannel.choices)
    sent_to = models.CharField("Email address or postal address", max_length=250)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    email = models.OneToOneField(
        "accounts.OutboundEmail",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrer_notice",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    posted_at = models.DateTimeField("Letter posted", null=True, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "outcome"], name="referrer_notice_once_per_outcome"
            ),
            models.CheckConstraint(
                condition=Q(channel=NoticeChannel.LETTER) | Q(email__isnull=False),
                name="referrer_notice_email_in_outbox",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} to the referrer of {self.contact}"

    @property
    def is_letter_to_post(self) -> bool:
        return self.channel == NoticeChannel.LETTER and self.posted_at is None


class InformationResponse(models.Model):
    """The response to a request for information: who wrote it, and who authorised it."""

    contact = models.OneToOneField(
        Contact, on_delete=models.PROTECT, related_name="information_response"
    )
    response = models.TextField()
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField()
    authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    authorised_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Response to the request for information on {self.contact}"

    @property
    def is_authorised(self) -> bool:
        return self.authorised_at is not None


# Object permissions ------------------------------------------------------------------------
# django-guardian's direct foreign-key tables: a grant holds a real FK to the record, so a queue
# filtering "what may this user or their groups see" joins on the record's primary key through
# the (user|group, permission, record) unique index, instead of guardian's generic `object_pk`
# varchar column that no index on the record can serve (docs/adr/0011-indexable-grants.md).


class ContactUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Contact, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = "contact user permission"


class ContactGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Contact, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = "contact group permission"


class PersonUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Person, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = "person user permission"


class PersonGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Person, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = "person group permission"


class ContactCorrection(models.Model):
    """A senior practitioner's correction of a submitted contact: what changed, by whom and why.

    `changes` is a list of {"field", "label", "before", "after"} (display values, as read then).
    """

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="corrections")
    section = models.CharField(max_length=20)
    reason = models.TextField()
    changes = models.JSONField(default=list)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    corrected_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-corrected_at", "-pk"]
        indexes = [models.Index(fields=["contact", "-corrected_at"], name="correction_contact")]

    def __str__(self) -> str:
        return f"Correction of {self.contact} on {self.corrected_at:%Y-%m-%d}"


class ManagementOversight(models.Model):
    """A team manager's recorded oversight of a contact on a worker's tray (Havering 002: contact
    records about children with an allocated social worker need management oversight with clear
    actions and timeframes)."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="oversights")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="oversights_received",
        help_text="The worker whose tray was reviewed.",
    )
    note = models.TextField("Oversight note")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        indexes = [
            models.Index(fields=["contact", "-recorded_at"], name="oversight_contact"),
            models.Index(fields=["worker", "-recorded_at"], name="oversight_worker"),
        ]

    def __str__(self) -> str:
        return f"Management oversight of {self.contact}"


class OversightAction(models.Model):
    """One action a manager set in an oversight: what, who owns it, by when."""

    oversight = models.ForeignKey(
        ManagementOversight, on_delete=models.CASCADE, related_name="actions"
    )
    action = models.CharField(max_length=300)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField("Complete by")
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.action


from .merlin.models import MerlinCopy, MerlinReport, MerlinSubject  # noqa: E402, F401
from .person_warnings.models import PersonWarning  # noqa: E402, F401
