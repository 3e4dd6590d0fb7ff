from django.urls import path

from followup.accounts import token_views, views

app_name = "accounts"

urlpatterns = [
    path("", views.account, name="account"),
    path("tokens/", token_views.tokens, name="tokens"),
    path("tokens/new/", token_views.token_create, name="token_create"),
    path("tokens/<int:pk>/", token_views.token_made, name="token_made"),
    path("tokens/<int:pk>/revoke/", token_views.token_revoke, name="token_revoke"),
    path(
        "people/<int:pk>/second-factors/reset/",
        views.reset_second_factors,
        name="reset_second_factors",
    ),
]
