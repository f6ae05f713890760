"""The language a person reads in: their own once signed in (User.language), else the language
switch's cookie, else the browser's Accept-Language (Django's LocaleMiddleware). E-mails,
reminders and calendar entries use the recipient's (`language_of`), never the sender's."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from .forms import NextForm

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


def language_of(user) -> str:
    """The language to write to this person in (their own, or the site's default)."""
    language = getattr(user, "language", "") or ""
    return language if language in LANGUAGE_CODES else settings.LANGUAGE_CODE


def remember_language(response, language: str):
    """Keep the language in the switch's cookie, so that it holds after logging out."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


class LanguageForm(NextForm):
    language = forms.ChoiceField(choices=settings.LANGUAGES)


@require_POST
def set_language(request):
    """The language switch (a form with a button, no script): remembered on the person when
    signed in, and in a cookie for pages before login; back to the page it was pressed on."""
    form = LanguageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the languages offered."))
        return redirect(form.cleaned_data.get("next") or "home")
    language = form.cleaned_data["language"]
    if request.user.is_authenticated and request.user.language != language:
        request.user.language = language
        request.user.save(update_fields=["language"])
    return remember_language(redirect(form.cleaned_data["next"] or "home"), language)
