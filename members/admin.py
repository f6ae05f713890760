from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import Campus, Invitation, Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "is_superuser", "is_active", "last_login"]
    search_fields = ["email", "name"]
    fieldsets = [
        (None, {"fields": ["email", "name", "password"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "name", "password1", "password2"]})
    ]
    list_filter = ["is_superuser", "is_active", "groups"]


@admin.register(Campus)
class CampusAdmin(SimpleHistoryAdmin):
    list_display = ["name", "institution", "time_zone", "partner_organisation"]
    search_fields = ["name", "institution"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "campus", "role", "status", "joined_on", "left_on"]
    list_filter = ["campus", "role", "status"]
    search_fields = ["user__email", "user__name"]
    autocomplete_fields = ["user"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "campus", "role", "sent_at", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["campus", "role"]
    search_fields = ["email"]
    exclude = ["token_hash"]
    readonly_fields = ["accepted_by", "accepted_at"]
