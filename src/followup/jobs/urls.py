from django.urls import path

from followup.jobs import views

app_name = "jobs"
urlpatterns = [
    path("p/<slug:slug>/jobs/<int:pk>/", views.job, name="job"),
    path("healthz", views.healthz, name="healthz"),
]
