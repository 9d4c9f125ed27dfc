"""The one table the demo app keeps: which records the scale generator made."""

from django.db import models


class ScaleRun(models.Model):
    """One run of `generate_council`: the id ranges of the people and contacts it wrote.

    The generator refuses a database holding a person or contact outside every run's ranges
    (real data, or data made through the services), so it can only ever add to a synthetic
    council or fill an empty one."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    seed = models.BigIntegerField()
    options = models.JSONField(default=dict)
    first_person = models.BigIntegerField()
    last_person = models.BigIntegerField()
    first_contact = models.BigIntegerField()
    last_contact = models.BigIntegerField()
    counts = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"generate_council {self.started_at:%Y-%m-%d %H:%M} (seed {self.seed})"
