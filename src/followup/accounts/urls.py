from django.urls import path

from followup.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.account, name="account"),
]
