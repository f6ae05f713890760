from django.urls import path

from . import language, views

app_name = "members"

urlpatterns = [
    path("c/<slug:campus>/", views.CampusHomeView.as_view(), name="campus_home"),
    path("c/<slug:campus>/settings/", views.CampusSettingsView.as_view(), name="campus_settings"),
    path("c/<slug:campus>/notices/", views.NoticeListView.as_view(), name="notice_list"),
    path(
        "c/<slug:campus>/notices/<int:pk>/resend/",
        views.NoticeResendView.as_view(),
        name="notice_resend",
    ),
    path("c/<slug:campus>/members/", views.MemberListView.as_view(), name="member_list"),
    path("c/<slug:campus>/members/invite/", views.MemberInviteView.as_view(), name="member_invite"),
    path(
        "c/<slug:campus>/members/invite/many/",
        views.MemberInviteManyView.as_view(),
        name="member_invite_many",
    ),
    path("c/<slug:campus>/members/leave/", views.MembersLeaveView.as_view(), name="members_leave"),
    path(
        "c/<slug:campus>/invitations/resend/",
        views.InvitationResendAllView.as_view(),
        name="invitation_resend_all",
    ),
    path("campuses/", views.CampusListView.as_view(), name="campus_list"),
    path("campuses/new/", views.CampusCreateView.as_view(), name="campus_create"),
    path("campuses/<slug:campus>/edit/", views.CampusEditView.as_view(), name="campus_edit"),
    path(
        "c/<slug:campus>/members/<int:pk>/",
        views.MembershipEditView.as_view(),
        name="membership_edit",
    ),
    path(
        "c/<slug:campus>/invitations/<int:pk>/resend/",
        views.InvitationActionView.as_view(action="resend"),
        name="invitation_resend",
    ),
    path(
        "c/<slug:campus>/invitations/<int:pk>/revoke/",
        views.InvitationActionView.as_view(action="revoke"),
        name="invitation_revoke",
    ),
    path("invitations/<token:token>/", views.invitation_accept, name="invitation_accept"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("language/", language.set_language, name="set_language"),
    path("stop-emails/<token:token>/", views.StopEmailsView.as_view(), name="stop_emails"),
]
