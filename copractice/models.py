from django.db import models


class Heartbeat(models.Model):
    """The last run of a periodic task: proof that beat, broker and worker all work."""

    name = models.CharField(max_length=100, unique=True)
    last_beat_at = models.DateTimeField()
    beats = models.PositiveBigIntegerField(default=0)
    hostname = models.CharField(max_length=255, blank=True)

    def __str__(self):
        return f"{self.name} @ {self.last_beat_at:%Y-%m-%d %H:%M:%S}"
