from django.urls import path

from followup.records import views, views_concerns, views_reading, views_results

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
    path(
        "p/<slug:slug>/record-samples/<int:pk>/progress/",
        views_reading.progress,
        name="progress",
    ),
    path(
        "p/<slug:slug>/record-samples/<int:pk>/pairs/new/",
        views_reading.pair_add,
        name="pair_add",
    ),
    path("p/<slug:slug>/record-samples/<int:pk>/assign/", views_reading.assign, name="assign"),
    path("p/<slug:slug>/record-samples/<int:pk>/release/", views_results.release, name="release"),
    path(
        "p/<slug:slug>/record-samples/<int:pk>/agreement/",
        views_reading.agreement_page,
        name="agreement",
    ),
    path("p/<slug:slug>/reading-queue/", views_reading.queue, name="queue"),
    path("p/<slug:slug>/sampled-records/<int:pk>/", views_reading.record, name="record"),
    path(
        "p/<slug:slug>/sampled-records/<int:pk>/pair/",
        views_reading.reassign,
        name="reassign",
    ),
    path(
        "p/<slug:slug>/sampled-records/<int:pk>/moderate/",
        views_reading.moderate,
        name="moderate",
    ),
    path(
        "p/<slug:slug>/sampled-records/<int:pk>/concern/",
        views_concerns.raise_concern,
        name="raise_concern",
    ),
    path(
        "p/<slug:slug>/record-samples/<int:pk>/concerns/",
        views_concerns.concerns,
        name="concerns",
    ),
    path("p/<slug:slug>/concerns/<int:pk>/", views_concerns.pass_on, name="pass_on"),
]
