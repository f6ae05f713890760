from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import OutboundEmail
from .services import resend_email


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "to", "campus", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind", "campus"]
    search_fields = ["to", "subject", "key"]
    exclude = ["body_html", "ics"]
    readonly_fields = [
        f.name for f in OutboundEmail._meta.fields if f.name not in {"body_html", "ics"}
    ]
    actions = ["send_again"]

    @admin.action(
        description=_("Send again (failed or delivery uncertain only)"), permissions=["change"]
    )
    def send_again(self, request, queryset):
        """For e-mails no campus's notices page shows (account e-mails), and for any other."""
        queued = refused = 0
        for email in queryset:
            try:
                resend_email(email=email, by=request.user)
                queued += 1
            except ValidationError:
                refused += 1
        if queued:
            self.message_user(
                request,
                ngettext("%(count)s e-mail sent again.", "%(count)s e-mails sent again.", queued)
                % {"count": queued},
            )
        if refused:
            self.message_user(
                request,
                ngettext(
                    "%(count)s e-mail not sent again: only a failed e-mail or one whose "
                    "delivery is uncertain can be.",
                    "%(count)s e-mails not sent again: only a failed e-mail or one whose "
                    "delivery is uncertain can be.",
                    refused,
                )
                % {"count": refused},
                messages.WARNING,
            )
