import uuid

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site

from outbox.services import queue_message


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # People join a campus by invitation only.
        return False

    def send_mail(self, template_prefix, email, context):
        """Account e-mails (password reset, address confirmation) go through the outbox too, so
        an SMTP failure delays them but loses none. They carry secret links: erased once sent."""
        request = allauth_context.request
        message = self.render_mail(
            template_prefix,
            email,
            {
                "request": request,
                "email": email,
                "current_site": get_current_site(request),
                **context,
            },
        )
        html = next(
            (body for body, mime in getattr(message, "alternatives", []) if mime == "text/html"), ""
        )
        queue_message(
            key=f"account:{uuid.uuid4()}",
            kind=f"account_{template_prefix.rsplit('/', 1)[-1]}",
            to=email,
            subject=message.subject,
            body_text=message.body,
            body_html=html,
            sensitive=True,
        )
