"""E-mail backends that stand in for a failing SMTP server (the outside world)."""

from django.core.mail.backends.locmem import EmailBackend


class FlakySMTPBackend(EmailBackend):
    """Refuses the first `failures` messages, then delivers to django.core.mail.outbox."""

    failures = 0
    refused = 0

    def send_messages(self, messages):
        if FlakySMTPBackend.refused < FlakySMTPBackend.failures:
            FlakySMTPBackend.refused += 1
            raise ConnectionRefusedError("SMTP server unavailable")
        return super().send_messages(messages)
