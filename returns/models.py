"""Runs of the CIN census: the file made for a collection year and what the DfE's rules said."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Making and checking the census"
    DONE = "done", "Checked"
    FAILED = "failed", "Could not be checked"


class CensusRun(models.Model):
    """One "check and make the census": the XML, the validator's issues and their counts.

    The XML may be downloaded only from a run that finished with no errors (queries allowed).
    """

    year = models.PositiveSmallIntegerField("Collection year (the year it ends)")
    profile = models.ForeignKey(
        "thresholds.CouncilProfile", on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    status = models.CharField(max_length=8, choices=RunStatus.choices, default=RunStatus.QUEUED)
    finished_at = models.DateTimeField(null=True, blank=True)
    xml = models.TextField(blank=True)
    # Which children the file names (Person pks): the access log's "which children" on download.
    person_ids = models.JSONField(default=list, blank=True)
    episode_count = models.PositiveIntegerField(default=0)
    ruleset = models.CharField(max_length=20, blank=True)
    rules_run = models.PositiveSmallIntegerField(default=0)
    issues = models.JSONField(default=list, blank=True)
    return_issues = models.JSONField(default=list, blank=True)
    crashes = models.JSONField(default=list, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    query_count = models.PositiveIntegerField(default=0)
    failure = models.TextField(blank=True)
    history = HistoricalRecords(excluded_fields=["xml", "issues", "person_ids"])

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["year", "-requested_at"], name="census_run_year")]

    def __str__(self) -> str:
        return f"CIN census {self.year - 1} to {self.year}, run {self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)

    @property
    def may_download(self) -> bool:
        return self.status == RunStatus.DONE and self.error_count == 0 and bool(self.xml)
