import threading
import time

import pytest
from django.db import connection, transaction

from meetings import services
from meetings.models import Meeting
from tests.factories import MeetingFactory


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_saving_at_once_one_is_refused_and_nothing_is_lost(world):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises the whole database)")
    meeting = MeetingFactory(campus=world.campus, title="Original")
    outcomes = {}
    ready = threading.Barrier(3)

    def save(title, user):
        try:
            ready.wait()
            services.update_meeting(
                meeting=meeting,
                version=1,
                title=title,
                description="",
                starts_at=meeting.starts_at,
                ends_at=meeting.ends_at,
                location=meeting.location,
                online_link="",
                by=user,
            )
            outcomes[title] = "saved"
        except services.StaleEdit as stale:
            outcomes[title] = f"refused, current title {stale.current.title}"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=("From A", world.coordinator)),
        threading.Thread(target=save, args=("From B", world.admin)),
    ]
    with transaction.atomic():
        # Hold the row so that both saves start while it is locked and then race for it.
        Meeting.objects.select_for_update().get(pk=meeting.pk)
        for thread in threads:
            thread.start()
        ready.wait()
        time.sleep(0.3)
    for thread in threads:
        thread.join(timeout=30)
    meeting.refresh_from_db()
    winner = meeting.title
    loser = "From B" if winner == "From A" else "From A"
    assert outcomes == {winner: "saved", loser: f"refused, current title {winner}"}
    assert meeting.version == 2
    assert meeting.history.count() == 2  # created, then the one save that won
