from django.urls import path

from . import views

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
]
