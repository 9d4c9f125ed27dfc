"""The MASH's daily discussion of borderline cases (Camden protocol 8.5).

Enquiries, consent and partner checks arrive with issue 4.
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from thresholds.models import RatingOutcome


class DailyDiscussion(models.Model):
    """One working day's discussion: who attended and what was decided."""

    date = models.DateField(unique=True)
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    other_attendees = models.CharField(
        max_length=300, blank=True, help_text="Attendees without an account, with their role."
    )
    history = HistoricalRecords(m2m_fields=[attendees])

    class Meta:
        ordering = ["-date"]
        permissions = [("chair_dailydiscussion", "Can minute the daily discussion")]

    def __str__(self) -> str:
        return f"Daily discussion {self.date:%d %B %Y}"


class BorderlineReason(models.TextChoices):
    RED_AMBER = "red_amber", "Borderline red or amber"
    AMBER_GREEN = "amber_green", "Borderline amber or green"
    EARLY_HELP_ESCALATION = "early_help_escalation", "Early help case that may need escalation"


class DiscussionItem(models.Model):
    """A contact on a day's agenda, and the decision minuted for it."""

    discussion = models.ForeignKey(DailyDiscussion, on_delete=models.PROTECT, related_name="items")
    contact = models.ForeignKey(
        "referrals.Contact", on_delete=models.PROTECT, related_name="discussion_items"
    )
    reason = models.CharField(max_length=30, choices=BorderlineReason.choices)
    decision = models.CharField(max_length=30, choices=RatingOutcome.choices, blank=True)
    rationale = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["discussion", "contact"], name="discussion_item_once")
        ]
        indexes = [models.Index(fields=["contact", "decided_at"], name="discussion_item_open")]

    def __str__(self) -> str:
        return f"{self.contact} at {self.discussion}"

    @property
    def is_decided(self) -> bool:
        return self.decided_at is not None
