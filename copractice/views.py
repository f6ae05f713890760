import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from meetings.welcome import has_attended
from members.access import CURRENT_CAMPUS_SESSION_KEY
from members.forms import NextForm
from members.selectors import campuses_for, membership_for

from .celery import app as celery_app
from .models import Heartbeat

logger = logging.getLogger(__name__)


def admin_login(request):
    """Site admin pages send anonymous visitors here: on to the app's login (and its second
    factor), then back."""
    target = reverse("account_login")
    form = NextForm(request.GET)
    if form.is_valid() and form.cleaned_data["next"]:
        target += "?" + urlencode({"next": form.cleaned_data["next"]})
    return redirect(target)


@login_required
def home(request):
    """Send each person to their current campus (the one they last opened, even in an earlier
    session): coordinators (and site admins) to its dashboard, a member who has not been at a
    meeting yet to the campus page that welcomes them, everyone else to their own page; site
    admins without a campus see every one."""
    campuses = campuses_for(request.user)
    current = request.session.get(CURRENT_CAMPUS_SESSION_KEY)
    campus = campuses.filter(slug=current).first() if current else None
    if campus is None and request.user.last_campus_id is not None:
        campus = campuses.filter(pk=request.user.last_campus_id).first()
    if campus is None and not request.user.is_superuser:
        campus = campuses.first()
    if campus is not None:
        membership = membership_for(user=request.user, campus=campus)
        if request.user.is_superuser or (membership and membership.is_coordinator):
            return redirect("reports:dashboard", campus=campus.slug)
        if not has_attended(user=request.user, campus=campus):
            return redirect("members:campus_home", campus=campus.slug)
        return redirect("reports:my_page", campus=campus.slug)
    return render(request, "home.html", {"all_campuses": campuses})


def _database_answers() -> tuple[bool, dict | None]:
    """Whether the database answers, and the heartbeat it holds (None when it does not)."""
    # A persistent connection that the server closed (a restart, a failover) fails once: ask
    # again on a new one, so that one severed connection does not take this process out.
    attempts = 2 if connection.connection is not None and not connection.in_atomic_block else 1
    for attempt in range(attempts):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            return True, _heartbeat()
        except DatabaseError as error:  # down, or not migrated: either way nothing can be served
            if attempt + 1 < attempts:
                connection.close()
                continue
            logger.warning("Health: the database does not answer (%s)", error)
    return False, None


def _cache_answers() -> bool:
    """The shared cache (Redis) answers; a per-process cache always does."""
    reachable = getattr(cache, "reachable", None)
    return reachable() if reachable else True


def _broker_answers() -> bool:
    """A connection to the broker opens within a second (a dead Redis would otherwise hang)."""
    try:
        with celery_app.connection_for_write(connect_timeout=1) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=1)
    except Exception as error:  # whatever the transport raises, the broker is not usable
        logger.warning("Health: the broker does not answer (%s)", error)
        return False
    return True


def _heartbeat() -> dict:
    beat = Heartbeat.objects.filter(name="heartbeat").first()
    age = (timezone.now() - beat.last_beat_at).total_seconds() if beat else None
    return {
        "last_beat_at": beat.last_beat_at.isoformat() if beat else None,
        "seconds_ago": round(age, 1) if age is not None else None,
        "beats": beat.beats if beat else 0,
        "fresh": age is not None and age < 3 * settings.HEARTBEAT_SECONDS,
    }


@never_cache
def health(request):
    """For operators and load balancers: each part, and whether this process can serve.

    200 while the database answers: the app serves even when the cache is down (it falls back to
    a per-process cache) or the broker is (e-mail waits in the outbox), so then it says
    "degraded" and names the part. 503 when the database does not answer: send people elsewhere.
    """
    database, heartbeat = _database_answers()
    parts = {"database": database, "cache": _cache_answers(), "broker": _broker_answers()}
    if not parts["database"]:
        status = "down"
    elif all(parts.values()):
        status = "ok"
    else:
        status = "degraded"
    response = JsonResponse(
        {
            "status": status,
            **{part: "ok" if up else "down" for part, up in parts.items()},
            "heartbeat": heartbeat,
        },
        status=503 if status == "down" else 200,
    )
    # The warning above says what is down; a load balancer asking every few seconds must not add
    # an error (and an e-mail to the admins) per answer.
    response._has_been_logged = True
    return response
