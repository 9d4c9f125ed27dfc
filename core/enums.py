"""Value sets more than one app speaks: a RAG rating, a rating outcome, yes/no/not known.

Plain TextChoices, no models: the models that store them import them from here, and so does
every other app, so no app imports another app's models for a word they share.
"""

from django.db import models


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class RatingOutcome(models.TextChoices):
    """Where a contact can go after its initial rating; each profile uses some of them."""

    MASH = "mash", "MASH enquiry (MASH manager)"
    SOCIAL_WORK_REFERRAL = "social_work_referral", "Referral to a social work team"
    DAILY_DISCUSSION = "daily_discussion", "Daily discussion"
    EARLY_HELP = "early_help", "Early help"
    INFORMATION_AND_ADVICE = "information_and_advice", "Provision of information and advice"
    NO_FURTHER_ACTION = "no_further_action", "No further action"


class YesNoUnknown(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    UNKNOWN = "unknown", "Not known"


class BorderlineReason(models.TextChoices):
    RED_AMBER = "red_amber", "Borderline red or amber"
    AMBER_GREEN = "amber_green", "Borderline amber or green"
    EARLY_HELP_ESCALATION = "early_help_escalation", "Early help case that may need escalation"
