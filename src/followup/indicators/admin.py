from django.contrib import admin

from followup.audit.adminbase import AuditedAdmin, ReadOnlyAdmin
from followup.indicators.models import DataElement, DataValue, Indicator, Release, ValidationRule


@admin.register(DataElement)
class DataElementAdmin(AuditedAdmin):
    list_display = ["code", "name", "period_kind", "is_count", "formula", "partnership"]
    search_fields = ["code", "name"]


@admin.register(Release)
class ReleaseAdmin(AuditedAdmin):
    list_display = ["name", "published_on", "partnership"]
    search_fields = ["name"]
    readonly_fields = ["created_by"]  # who imported it; the audit log names who changed it


@admin.register(Indicator)
class IndicatorAdmin(AuditedAdmin):
    list_display = ["name", "partnership", "area", "improvement_direction"]
    list_filter = ["partnership"]


@admin.register(ValidationRule)
class ValidationRuleAdmin(AuditedAdmin):
    list_display = ["name", "left", "operator", "right", "severity"]


@admin.register(DataValue)
class DataValueAdmin(ReadOnlyAdmin):
    """Values change only by importing a release: the admin shows them and changes none."""

    list_display = ["element", "area", "period", "value", "release"]
    list_filter = ["release"]
    refusal = (
        "Values are written only by importing a release (a partnership’s data upload page, or "
        "followup import-data for official statistics): a revision is a new value from a later "
        "release, never an overwrite. Deleting a release deletes its values."
    )
