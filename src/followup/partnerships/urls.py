from django.urls import path

from followup.partnerships import views

app_name = "partnerships"
urlpatterns = [path("p/<slug:slug>/", views.home, name="home")]
