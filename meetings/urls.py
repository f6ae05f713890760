from django.urls import path

from . import agenda_views, checkin_views, minutes_views, views

app_name = "meetings"

M = "c/<slug:campus>/meetings/"

urlpatterns = [
    path(M, views.MeetingListView.as_view(), name="meeting_list"),
    path(f"{M}new/", views.MeetingCreateView.as_view(), name="meeting_create"),
    path(f"{M}new-series/", views.SeriesCreateView.as_view(), name="series_create"),
    path(
        f"{M}calendar/<int:year>/<int:month>/",
        views.MeetingCalendarView.as_view(),
        name="meeting_calendar",
    ),
    path(f"{M}history/", views.HistoryView.as_view(), name="attendance_history"),
    path(f"{M}suggestions/", views.SuggestionListView.as_view(), name="suggestion_list"),
    path(
        f"{M}suggestions/<int:pk>/use/",
        views.SuggestionUseView.as_view(),
        name="suggestion_use",
    ),
    path(f"{M}<int:pk>/", views.MeetingDetailView.as_view(), name="meeting_detail"),
    path(f"{M}<int:pk>/edit/", views.MeetingEditView.as_view(), name="meeting_edit"),
    path(f"{M}<int:pk>/cancel/", views.MeetingCancelView.as_view(), name="meeting_cancel"),
    path(f"{M}<int:pk>/respond/", views.RespondView.as_view(), name="meeting_respond"),
    path(f"{M}<int:pk>/agenda/", agenda_views.AgendaView.as_view(), name="agenda"),
    path(f"{M}<int:pk>/agenda/add/", agenda_views.AgendaAddView.as_view(), name="agenda_add"),
    path(
        f"{M}<int:pk>/agenda/order/",
        agenda_views.AgendaReorderView.as_view(),
        name="agenda_reorder",
    ),
    path(
        f"{M}<int:pk>/agenda/offer/",
        agenda_views.AgendaOfferView.as_view(),
        name="agenda_offer",
    ),
    path(
        f"{M}<int:pk>/agenda/<int:item>/edit/",
        agenda_views.AgendaItemEditView.as_view(),
        name="agenda_item_edit",
    ),
    path(
        f"{M}<int:pk>/agenda/<int:item>/move/",
        agenda_views.AgendaItemActionView.as_view(action="move"),
        name="agenda_item_move",
    ),
    path(
        f"{M}<int:pk>/agenda/<int:item>/remove/",
        agenda_views.AgendaItemActionView.as_view(action="remove"),
        name="agenda_item_remove",
    ),
    path(f"{M}<int:pk>/roster/", views.RosterView.as_view(), name="roster"),
    path(f"{M}<int:pk>/minutes/", minutes_views.MinutesView.as_view(), name="minutes"),
    path(
        f"{M}<int:pk>/minutes/history/",
        minutes_views.MinutesHistoryView.as_view(),
        name="minutes_history",
    ),
    path(
        f"{M}<int:pk>/minutes/draft/",
        minutes_views.MinutesDraftView.as_view(),
        name="minutes_draft",
    ),
    path(
        f"{M}<int:pk>/minutes/actions/<int:item>/done/",
        minutes_views.ActionItemToggleView.as_view(),
        name="action_item_done",
    ),
    path(f"{M}<int:pk>/meeting.ics", views.MeetingIcsView.as_view(), name="meeting_ics"),
    path(
        "meetings/calendar/",
        views.CalendarFeedSettingsView.as_view(),
        name="calendar_feed_settings",
    ),
    path(
        "meetings/calendar/reset/",
        views.CalendarFeedResetView.as_view(),
        name="calendar_feed_reset",
    ),
    path("calendar/<token:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("respond/<token:token>/", views.RespondLinkView.as_view(), name="respond_link"),
    # --- self check-in ---
    path(f"{M}<int:pk>/check-in/", checkin_views.CheckInView.as_view(), name="check_in"),
    path(
        f"{M}<int:pk>/check-in/screen/",
        checkin_views.CheckInScreenView.as_view(),
        name="check_in_screen",
    ),
    path(
        f"{M}<int:pk>/check-in/online-link/",
        checkin_views.CheckInLinkView.as_view(),
        name="check_in_link",
    ),
]
