from django.urls import path

from followup.records import views

app_name = "records"
urlpatterns = [
    path("p/<slug:slug>/inspections/<int:pk>/records/", views.reading, name="reading"),
    path("p/<slug:slug>/inspections/<int:pk>/records/return/", views.upload, name="upload"),
    path("p/<slug:slug>/inspections/<int:pk>/records/samples/new/", views.draw, name="draw"),
    path(
        "p/<slug:slug>/inspections/<int:pk>/records/templates/<int:template>/",
        views.template,
        name="template",
    ),
    path("p/<slug:slug>/record-samples/<int:pk>/", views.sample, name="sample"),
    path("p/<slug:slug>/record-samples/<int:pk>/purposive/", views.purposive, name="purposive"),
]
