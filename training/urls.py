from django.urls import path

from . import views

app_name = "training"

urlpatterns = [
    path("catalogue/", views.topic_list, name="topic_list"),
    path("catalogue/<int:pk>/", views.topic_detail, name="topic_detail"),
]
