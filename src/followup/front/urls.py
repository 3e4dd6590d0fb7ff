from django.urls import path

from followup.front import views, views_judgement, views_records

app_name = "front"
urlpatterns = [
    path("", views.home, name="home"),
    path("glossary/", views.glossary, name="glossary"),
    path("for-you/", views.for_you, name="for_you"),
    path("p/<slug:slug>/", views.partnership, name="partnership"),
    path("p/<slug:slug>/recommendations/", views.recommendations, name="recommendations"),
    path("p/<slug:slug>/search/", views.search, name="search"),
    path("p/<slug:slug>/recommendations/<int:pk>/", views.recommendation, name="recommendation"),
    path("p/<slug:slug>/evaluations/<int:pk>/", views.evaluation, name="evaluation"),
    path(
        "p/<slug:slug>/reviews/<int:pk>/judgements/<int:recommendation_pk>/",
        views_judgement.judgement_edit,
        name="judgement_edit",
    ),
    path(
        "p/<slug:slug>/record-samples/<int:pk>/notes-to-source/",
        views_records.notes_to_source,
        name="notes_to_source",
    ),
]
