from django.contrib import admin

from .models import Heartbeat, OutboundEmail


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "last_beat_at", "beats", "hostname"]
    readonly_fields = ["name", "last_beat_at", "beats", "hostname"]


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "to", "campus", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind", "campus"]
    search_fields = ["to", "subject", "key"]
    exclude = ["body_html", "ics"]
    readonly_fields = [
        f.name for f in OutboundEmail._meta.fields if f.name not in {"body_html", "ics"}
    ]
