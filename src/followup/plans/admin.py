from django.contrib import admin

from followup.audit.adminbase import AuditedAdmin, ReadOnlyAdmin
from followup.plans.models import Action, ActionUpdate


@admin.register(Action)
class ActionAdmin(AuditedAdmin):
    list_display = ["title", "partnership", "status", "due_date", "is_illustrative"]
    list_filter = ["partnership", "status"]


@admin.register(ActionUpdate)
class ActionUpdateAdmin(ReadOnlyAdmin):
    """Updates are append-only and written only by the update form, which sets the author and
    the time: the admin shows them and adds, changes and deletes none."""

    list_display = ["action", "on", "status", "rating", "author_name"]
    refusal = (
        "Action updates are append-only: each is written by the update form on its action’s "
        "page, which records who wrote it and when, and no update is ever changed or deleted."
    )
