from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("profile/my-data.zip", views.OwnDataView.as_view(), name="own_data"),
    path("people/<int:pk>/data.zip", views.PersonDataView.as_view(), name="person_data"),
    path("people/<int:pk>/erase/", views.PersonEraseView.as_view(), name="person_erase"),
]
