from django.contrib import admin

from followup.audit.adminbase import AuditedAdmin
from followup.partnerships.models import Area, Membership, Organisation, Partnership


@admin.register(Area)
class AreaAdmin(AuditedAdmin):
    list_display = ["name", "code", "kind", "valid_from", "valid_to", "successor"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    raw_id_fields = ["successor"]


@admin.register(Partnership)
class PartnershipAdmin(AuditedAdmin):
    list_display = ["name", "slug", "area", "is_fictional"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name", "partnership", "kind"]
    list_filter = ["partnership"]


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ["user", "partnership", "role", "organisation"]
    list_filter = ["role", "partnership"]
