"""E-mail backends that stand in for the outside world: a failing SMTP server, and a database
that goes away right after the mail server has accepted a message."""

import time

from django.core.mail.backends.locmem import EmailBackend


class FlakySMTPBackend(EmailBackend):
    """Refuses the first `failures` messages with `error` (by default: connection refused),
    then delivers to django.core.mail.outbox."""

    failures = 0
    refused = 0
    error: Exception | None = None

    def send_messages(self, messages):
        if FlakySMTPBackend.refused < FlakySMTPBackend.failures:
            FlakySMTPBackend.refused += 1
            raise FlakySMTPBackend.error or ConnectionRefusedError("SMTP server unavailable")
        return super().send_messages(messages)


def terminate_backend(settings_dict: dict, pid: int) -> None:
    """End a PostgreSQL backend from another connection, as a database restart does, and wait
    until it is gone."""
    import psycopg2

    admin = psycopg2.connect(
        dbname=settings_dict["NAME"],
        user=settings_dict["USER"],
        password=settings_dict["PASSWORD"] or None,
        host=settings_dict["HOST"] or "127.0.0.1",
        port=settings_dict["PORT"] or 5432,
    )
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
                if cursor.fetchone()[0] == 0:
                    return
                time.sleep(0.05)
        raise AssertionError(f"PostgreSQL backend {pid} did not end")
    finally:
        admin.close()


class DatabaseLostAfterSendBackend(EmailBackend):
    """Delivers to django.core.mail.outbox, then cuts the sending thread's database connection
    (PostgreSQL). With `stay_down`, that thread cannot reconnect either: the database stays
    unreachable for as long as the sender tries to record the outcome."""

    stay_down = False

    def send_messages(self, messages):
        from django.db import connection

        sent = super().send_messages(messages)
        terminate_backend(connection.settings_dict, connection.connection.info.backend_pid)
        if DatabaseLostAfterSendBackend.stay_down:
            # Only this thread's connection: nothing listens on port 1.
            connection.settings_dict = {**connection.settings_dict, "PORT": "1"}
        return sent
