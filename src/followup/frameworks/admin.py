from django.contrib import admin

from followup.frameworks.models import Framework, QualityIndicator, Scale


class ReadOnlyAdmin(admin.ModelAdmin):
    """Frameworks change only by loading a new version of a library file."""

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Scale)
class ScaleAdmin(ReadOnlyAdmin):
    list_display = ["name", "urn", "version"]


@admin.register(Framework)
class FrameworkAdmin(ReadOnlyAdmin):
    list_display = ["name", "urn", "version", "provider"]


@admin.register(QualityIndicator)
class QualityIndicatorAdmin(ReadOnlyAdmin):
    list_display = ["ref_id", "name", "framework", "assessable"]
    list_filter = ["framework"]
