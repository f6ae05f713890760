from django.urls import path

from . import views

app_name = "training"

urlpatterns = [
    path("catalogue/", views.TopicListView.as_view(), name="topic_list"),
    path("catalogue/new/", views.TopicCreateView.as_view(), name="topic_create"),
    path("catalogue/<int:pk>/", views.TopicDetailView.as_view(), name="topic_detail"),
    path("catalogue/<int:pk>/edit/", views.TopicEditView.as_view(), name="topic_edit"),
    path(
        "catalogue/<int:pk>/archive/",
        views.TopicActionView.as_view(action="archive"),
        name="topic_archive",
    ),
    path(
        "catalogue/<int:pk>/restore/",
        views.TopicActionView.as_view(action="restore"),
        name="topic_restore",
    ),
    path("catalogue/<int:pk>/delete/", views.TopicDeleteView.as_view(), name="topic_delete"),
    # Facilitation offers belong to a campus.
    path("c/<slug:campus>/offers/", views.OfferListView.as_view(), name="offer_list"),
    path(
        "c/<slug:campus>/catalogue/<int:pk>/offer/",
        views.OfferCreateView.as_view(),
        name="offer_create",
    ),
    path("c/<slug:campus>/offers/mine/", views.MyOffersView.as_view(), name="my_offers"),
    path(
        "c/<slug:campus>/offers/<int:pk>/decline/",
        views.OfferDeclineView.as_view(),
        name="offer_decline",
    ),
    path(
        "c/<slug:campus>/offers/<int:pk>/withdraw/",
        views.OfferWithdrawView.as_view(),
        name="offer_withdraw",
    ),
]
