from django.urls import path

from followup.reviews import views

app_name = "reviews"
urlpatterns = [
    path("p/<slug:slug>/reviews/", views.review_list, name="list"),
    path("p/<slug:slug>/inspections/<int:pk>/reviews/new/", views.review_create, name="create"),
    path("p/<slug:slug>/reviews/<int:pk>/", views.review_detail, name="detail"),
    path("p/<slug:slug>/reviews/<int:pk>/edit/", views.review_edit, name="edit"),
]
