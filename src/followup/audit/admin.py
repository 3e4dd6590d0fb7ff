from django.contrib import admin

from followup.audit.adminbase import ReadOnlyAdmin
from followup.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_name", "verb", "object_repr", "partnership_name"]
    list_filter = ["verb", "partnership_name"]
    search_fields = ["object_repr", "actor_name"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]
    refusal = (
        "The audit log is the record of every write: Followup adds an entry with each write it "
        "makes, and no one adds, changes or deletes an entry, here or anywhere else."
    )
