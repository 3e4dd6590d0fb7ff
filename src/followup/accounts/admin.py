from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.http import HttpRequest

from followup.accounts.actions import revoke_all_tokens
from followup.accounts.models import LoginFailure
from followup.audit.adminbase import AuditedAdmin, AuditedGroupAdmin, AuditedUserAdmin


# Django's own user and group pages, replaced by audited ones: making someone staff or
# superuser, changing their groups or permissions, or deleting them is on the record.
class UserAdmin(AuditedUserAdmin):
    """The audited user admin; deactivating an account here (unticking Active) revokes its API
    tokens, on the record, as ending its last membership does."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if change and not form.instance.is_active:
            revoke_all_tokens(request.user, form.instance)


admin.site.unregister(User)
admin.site.unregister(Group)
admin.site.register(User, UserAdmin)
admin.site.register(Group, AuditedGroupAdmin)
# django-allauth's email addresses, second factors and sessions are managed on Followup's own
# pages, through audited actions, never in the admin.
for _model in (EmailAddress, Authenticator, UserSession):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


@admin.register(LoginFailure)
class LoginFailureAdmin(AuditedAdmin):
    """Failed and refused sign-ins are written only by the throttle. An administrator may delete
    them to let someone try again before the window ends; that deletion is audited."""

    list_display = ["username", "account", "ip_address", "known_device", "outcome", "at"]
    list_filter = ["outcome"]
    readonly_fields = ["username", "account", "ip_address", "known_device", "outcome", "at"]
    exclude = ["device"]
    search_fields = ["username", "ip_address"]
    refusal = (
        "Failed sign-ins are recorded only by the sign-in throttle, and are not changed. You "
        "can delete one to let someone try again before the waiting time ends."
    )

    @admin.display(boolean=True, description="From a known device")
    def known_device(self, obj: LoginFailure) -> bool:
        return bool(obj.device)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
