from django.urls import path

from followup.mail import views

app_name = "mail"
urlpatterns = [
    path("account/notifications/", views.notifications, name="notifications"),
]
