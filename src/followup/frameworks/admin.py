from django.contrib import admin

from followup.audit.adminbase import ReadOnlyAdmin
from followup.frameworks.models import Framework, Publisher, QualityIndicator, Scale

LIBRARY = (
    "Frameworks, their quality indicators and scales change only by loading a new version of a "
    "library file (followup load-framework), so that a past inspection keeps the version it "
    "was made under."
)


@admin.register(Scale)
class ScaleAdmin(ReadOnlyAdmin):
    list_display = ["name", "urn", "version"]
    refusal = LIBRARY


@admin.register(Framework)
class FrameworkAdmin(ReadOnlyAdmin):
    list_display = ["name", "urn", "version", "provider"]
    refusal = LIBRARY


@admin.register(QualityIndicator)
class QualityIndicatorAdmin(ReadOnlyAdmin):
    list_display = ["ref_id", "name", "framework", "assessable"]
    list_filter = ["framework"]
    refusal = LIBRARY


@admin.register(Publisher)
class PublisherAdmin(ReadOnlyAdmin):
    list_display = ["name", "urn", "version", "licence"]
    exclude = ["logo_png"]
    refusal = LIBRARY
