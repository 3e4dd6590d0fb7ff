from django.contrib import admin

from followup.audit.adminbase import AuditedAdmin
from followup.reviews.models import ProgressReview, RecommendationProgress


@admin.register(ProgressReview)
class ProgressReviewAdmin(AuditedAdmin):
    list_display = ["title", "inspection", "published_on", "status"]


@admin.register(RecommendationProgress)
class RecommendationProgressAdmin(AuditedAdmin):
    list_display = ["review", "recommendation", "level"]
