from django.contrib import admin

from .models import Heartbeat


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "last_beat_at", "beats", "hostname"]
    readonly_fields = ["name", "last_beat_at", "beats", "hostname"]
