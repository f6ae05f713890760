from django.urls import path

from . import record_views, views

app_name = "reports"

C = "c/<slug:campus>/"

urlpatterns = [
    path(f"{C}dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path(f"{C}me/", views.MyPageView.as_view(), name="my_page"),
    path(f"{C}exports/attendance.csv", views.AttendanceCsvView.as_view(), name="attendance_csv"),
    path(
        f"{C}meetings/<int:pk>/attendance.csv",
        views.MeetingAttendanceCsvView.as_view(),
        name="meeting_attendance_csv",
    ),
    path(f"{C}exports/training.csv", views.TrainingCsvView.as_view(), name="training_csv"),
    path(f"{C}exports/topics.csv", views.TopicsCsvView.as_view(), name="topics_csv"),
    path("overview/", views.OverviewView.as_view(), name="overview"),
    # The access record: read only (GET), by coordinators for their campus, site admins for all.
    path(
        f"{C}records/", record_views.CampusAccessRecordView.as_view(), name="campus_access_record"
    ),
    path("records/", record_views.AccessRecordView.as_view(), name="access_record"),
    path(
        "records/export.csv", record_views.AccessRecordCsvView.as_view(), name="access_record_csv"
    ),
]
