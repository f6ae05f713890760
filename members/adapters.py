import uuid

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.sites.shortcuts import get_current_site
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _

from outbox.services import queue_message


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # People join a campus by invitation only.
        return False

    def pre_login(self, request, user, **kwargs):
        """A password (or a password reset) does not sign in members of a campus that uses its
        provider only; its provider does."""
        from .selectors import password_login_refused

        sociallogin = (kwargs.get("signal_kwargs") or {}).get("sociallogin")
        if sociallogin is None and password_login_refused(user):
            messages.error(
                request,
                _("Your campus signs its members in with its own provider: use its button."),
            )
            return redirect("account_login")
        return super().pre_login(request, user, **kwargs)

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """Someone sent to set up the second factor their role requires has only just logged
        in: enrolling then does not ask for their password (or provider) a second time."""
        from .second_factor import must_enrol

        request = allauth_context.request
        if app == "allauth.mfa" and request is not None and must_enrol(request):
            return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def send_mail(self, template_prefix, email, context):
        """Account e-mails (password reset, address confirmation) go through the outbox too, so
        an SMTP failure delays them but loses none. They carry secret links: erased once sent."""
        from .language import language_of

        request = allauth_context.request
        # In the recipient's language: the account's owner, whoever asked (a reset asked for
        # from a browser in another language, an address added by its owner).
        recipient = (
            context.get("user") or get_user_model().objects.filter(email__iexact=email).first()
        )
        language = language_of(recipient) if recipient else translation.get_language()
        with translation.override(language):
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
