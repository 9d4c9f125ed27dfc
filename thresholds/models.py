from django.db import models
from simple_history.models import HistoricalRecords


class CouncilProfile(models.Model):
    """One local authority's configuration of the front door.

    The running service uses the profile named by settings.COUNCIL_PROFILE.
    Timescales, teams and outcomes are added here as the process grows.
    """

    code = models.SlugField(max_length=30, unique=True)
    name = models.CharField(max_length=120)
    route_recently_closed_to_last_team = models.BooleanField(
        default=False,
        help_text="A new contact about a child whose case closed recently goes to the team that "
        "last worked with the child (Havering).",
    )
    recently_closed_months = models.PositiveSmallIntegerField(
        default=3, help_text="How recent a closure counts as 'closed recently', in months."
    )
    repeat_contact_threshold = models.PositiveSmallIntegerField(
        default=3,
        help_text="This many contacts about a child within the window flags 'consider a Child "
        "and Family Assessment'.",
    )
    repeat_contact_window_months = models.PositiveSmallIntegerField(default=12)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
