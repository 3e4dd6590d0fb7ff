from django.urls import path

from followup.accounts import invitation_views, member_views

app_name = "members"
urlpatterns = [
    path("p/<slug:slug>/members/", member_views.members, name="list"),
    path("p/<slug:slug>/members/invite/", member_views.invite, name="invite"),
    path("p/<slug:slug>/members/second-factor/", member_views.second_factor, name="second_factor"),
    path("p/<slug:slug>/members/<int:pk>/role/", member_views.role_edit, name="role_edit"),
    path("p/<slug:slug>/members/<int:pk>/deactivate/", member_views.deactivate, name="deactivate"),
    path("p/<slug:slug>/members/<int:pk>/reactivate/", member_views.reactivate, name="reactivate"),
    path(
        "p/<slug:slug>/invitations/<int:pk>/revoke/",
        member_views.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "p/<slug:slug>/invitations/<int:pk>/resend/",
        member_views.invitation_resend,
        name="invitation_resend",
    ),
    path("invitations/<str:token>/", invitation_views.accept, name="accept"),
]
