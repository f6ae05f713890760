from django.contrib import admin
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import FacilitationOffer, Topic, TopicReference


class TopicReferenceInline(admin.TabularInline):
    model = TopicReference
    extra = 0


@admin.register(Topic)
class TopicAdmin(SimpleHistoryAdmin, TranslationAdmin):
    """The title, summary and description in each language (modeltranslation)."""

    list_display = ["title_en", "title_fr", "refresh_interval_months", "is_archived", "updated_at"]
    list_filter = ["is_archived"]
    search_fields = [
        f"{field}_{language}"
        for field in ("title", "summary", "description")
        for language in ("en", "fr")
    ]
    inlines = [TopicReferenceInline]


@admin.register(FacilitationOffer)
class FacilitationOfferAdmin(admin.ModelAdmin):
    list_display = ["topic", "campus", "user", "status", "created_at", "closed_at"]
    list_filter = ["campus", "status"]
    search_fields = ["topic__title_en", "topic__title_fr", "user__email", "user__name"]
    autocomplete_fields = ["user"]
    raw_id_fields = ["topic"]
