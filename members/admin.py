from allauth.socialaccount.models import SocialApp, SocialToken
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import Campus, FactorReset, IdentityProvider, Invitation, Membership, User


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
        (None, {"fields": ["email", "name", "language", "password"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "name", "password1", "password2"]})
    ]
    list_filter = ["is_superuser", "is_active", "groups"]
    actions = ["reset_second_factors"]

    @admin.action(description=_("Reset second factors (they set up a new one at next login)"))
    def reset_second_factors(self, request, queryset):
        for user in queryset:
            services.reset_second_factors(user=user, by=request.user)
        messages.success(
            request,
            _("Second factors reset for %(count)d people; recorded under Factor resets.")
            % {"count": queryset.count()},
        )


@admin.register(FactorReset)
class FactorResetAdmin(admin.ModelAdmin):
    list_display = ["user", "reset_by", "reset_at", "authenticators_removed"]
    search_fields = ["user__email", "reset_by__email"]
    readonly_fields = ["user", "reset_by", "reset_at", "authenticators_removed"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _https_by_default(db_field, **kwargs):
    """An issuer typed without a scheme is an https address."""
    if db_field.name == "server_url":
        kwargs["assume_scheme"] = "https"
    return db_field.formfield(**kwargs)


class IdentityProviderForm(forms.ModelForm):
    """The client secret is never shown again once saved: left empty, the saved one is kept."""

    client_secret = forms.CharField(
        label=_("Client secret"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the secret already saved."),
    )

    class Meta:
        model = IdentityProvider
        formfield_callback = _https_by_default
        fields = [
            "name",
            "slug",
            "server_url",
            "client_id",
            "client_secret",
            "domains",
            "counts_as_mfa",
            "is_active",
        ]

    def clean_client_secret(self):
        secret = self.cleaned_data["client_secret"]
        if not secret and self.instance.pk:
            return self.instance.client_secret
        if not secret:
            raise forms.ValidationError(_("Enter the client secret the provider gave you."))
        return secret


@admin.register(IdentityProvider)
class IdentityProviderAdmin(admin.ModelAdmin):
    form = IdentityProviderForm
    list_display = ["name", "slug", "server_url", "domains", "counts_as_mfa", "is_active"]
    prepopulated_fields = {"slug": ["name"]}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "server_url":
            kwargs["assume_scheme"] = "https"  # an issuer typed without a scheme
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(Campus)
class CampusAdmin(SimpleHistoryAdmin):
    list_display = ["name", "institution", "time_zone", "partner_organisation"]
    list_select_related = ["identity_provider"]
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


# Providers are configured as identity providers above (with the domains they vouch for);
# allauth's own list of applications would be ignored, so it is not offered. Its tokens are not
# stored (SOCIALACCOUNT_STORE_TOKENS is off).
for _model in (SocialApp, SocialToken):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
