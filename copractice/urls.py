from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    # The admin's own login form would skip the second factor: everyone logs in through ours.
    path("admin/login/", views.admin_login),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("members.urls")),
    path("", include("training.urls")),
    path("", include("meetings.urls")),
    path("", include("reports.urls")),
    path("", include("privacy.urls")),
]

if settings.BENCH_FLOOR:
    # The benchmark's reference pages; never routed in a normal deployment (bench/run.py).
    from . import bench_views

    urlpatterns += [
        path("bench/floor/", bench_views.bench_floor, name="bench_floor"),
        path(
            "bench/layout/c/<slug:campus>/",
            bench_views.BenchLayoutView.as_view(),
            name="bench_layout",
        ),
    ]
