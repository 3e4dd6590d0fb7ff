from django.contrib import admin

from followup.audit.adminbase import AuditedAdmin
from followup.inspections.models import Evaluation, Inspection, Recommendation


@admin.register(Inspection)
class InspectionAdmin(AuditedAdmin):
    list_display = ["title", "partnership", "published_on", "status"]
    list_filter = ["partnership", "status"]


@admin.register(Evaluation)
class EvaluationAdmin(AuditedAdmin):
    list_display = ["inspection", "quality_indicator", "grade", "basis"]


@admin.register(Recommendation)
class RecommendationAdmin(AuditedAdmin):
    list_display = ["inspection", "number", "text"]
