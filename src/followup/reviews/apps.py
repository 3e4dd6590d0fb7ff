from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "followup.reviews"
    label = "reviews"
