from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def send_templated_mail(*, to: list[str], subject: str, template: str, context: dict) -> None:
    """Send a plain-text and HTML e-mail rendered from `<template>.txt` and `<template>.html`."""
    context = {**context, "site_url": settings.SITE_URL}
    message = EmailMultiAlternatives(
        subject=f"[CoPractice] {subject}",
        body=render_to_string(f"{template}.txt", context),
        to=to,
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    message.send()
