from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import FacilitationOffer, Topic, TopicReference


class TopicReferenceInline(admin.TabularInline):
    model = TopicReference
    extra = 0


@admin.register(Topic)
class TopicAdmin(SimpleHistoryAdmin):
    list_display = ["title", "refresh_interval_months", "is_archived", "updated_at"]
    list_filter = ["is_archived"]
    search_fields = ["title", "summary", "description"]
    inlines = [TopicReferenceInline]


@admin.register(FacilitationOffer)
class FacilitationOfferAdmin(admin.ModelAdmin):
    list_display = ["topic", "campus", "user", "status", "created_at", "closed_at"]
    list_filter = ["campus", "status"]
    search_fields = ["topic__title", "user__email", "user__name"]
    autocomplete_fields = ["user"]
    raw_id_fields = ["topic"]
