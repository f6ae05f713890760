from django.db.models import F
from django.utils import timezone

from .models import Heartbeat


def record_heartbeat(*, name: str, hostname: str = "") -> None:
    now = timezone.now()
    updated = Heartbeat.objects.filter(name=name).update(
        last_beat_at=now, beats=F("beats") + 1, hostname=hostname
    )
    if not updated:
        Heartbeat.objects.get_or_create(
            name=name, defaults={"last_beat_at": now, "beats": 1, "hostname": hostname}
        )
