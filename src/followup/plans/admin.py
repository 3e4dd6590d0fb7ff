from django.contrib import admin

from followup.core.admin import AuditedAdmin
from followup.plans.models import Action, ActionUpdate


@admin.register(Action)
class ActionAdmin(AuditedAdmin):
    list_display = ["title", "partnership", "status", "due_date", "is_illustrative"]
    list_filter = ["partnership", "status"]


@admin.register(ActionUpdate)
class ActionUpdateAdmin(admin.ModelAdmin):
    """Updates are append-only and written only by the update form, which sets the author and
    the time: the admin shows them and adds, changes and deletes none."""

    list_display = ["action", "on", "status", "rating", "author_name"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
