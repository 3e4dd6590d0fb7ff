from django.urls import path

from followup.jobs import views

app_name = "jobs"
urlpatterns = [
    path("p/<slug:slug>/jobs/<int:pk>/", views.job, name="job"),
    path("p/<slug:slug>/jobs/<int:pk>/file", views.download, name="download"),
    path("healthz", views.healthz, name="healthz"),
]
