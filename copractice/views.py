from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from members.selectors import campuses_for, membership_for

from .models import Heartbeat

CURRENT_CAMPUS_SESSION_KEY = "current_campus"


@login_required
def home(request):
    """Send each person to their current campus: coordinators (and site admins) to its
    dashboard, everyone else to their own page; site admins without a campus see every one."""
    campuses = campuses_for(request.user)
    current = request.session.get(CURRENT_CAMPUS_SESSION_KEY)
    campus = campuses.filter(slug=current).first() if current else None
    if campus is None and not request.user.is_superuser:
        campus = campuses.first()
    if campus is not None:
        membership = membership_for(user=request.user, campus=campus)
        if request.user.is_superuser or (membership and membership.is_coordinator):
            return redirect("reports:dashboard", campus=campus.slug)
        return redirect("reports:my_page", campus=campus.slug)
    return render(request, "home.html", {"all_campuses": campuses})


@never_cache
def health(request):
    """For operators and load balancers: the database answers; when beat last reached a worker."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    beat = Heartbeat.objects.filter(name="heartbeat").first()
    age = (timezone.now() - beat.last_beat_at).total_seconds() if beat else None
    return JsonResponse(
        {
            "database": "ok",
            "heartbeat": {
                "last_beat_at": beat.last_beat_at.isoformat() if beat else None,
                "seconds_ago": round(age, 1) if age is not None else None,
                "beats": beat.beats if beat else 0,
                "fresh": age is not None and age < 3 * settings.HEARTBEAT_SECONDS,
            },
        }
    )
