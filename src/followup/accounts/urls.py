from django.urls import path

from followup.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.account, name="account"),
    path(
        "people/<int:pk>/second-factors/reset/",
        views.reset_second_factors,
        name="reset_second_factors",
    ),
]
