"""Django admin that writes an audit entry for every write it makes, and keeps what it does not
change.

Adds, changes (many-to-many included, recorded once the form's relations are saved), deletes
(with every row the deletion takes or changes along with it) and, for users, password changes.
Each is recorded in the admin view's own transaction, so a write and its entry stand or fall
together.

A change form carries the version it was read at, and a save writes only the fields the
administrator changed (``audit/adminforms.py``). A row's partnership is read-only once it is
made, and a choice of another partnership's row is refused. A deletion's confirmation page lists
what it empties as well as what it deletes; a refusal says why, in the admin's own terms.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.admin.actions import delete_selected
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, router, transaction
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse

from followup.audit.admindelete import emptied, record_deletion
from followup.audit.adminforms import VERSION_FIELD, AdminFormMixin, partnership_of
from followup.audit.log import diff, record, snapshot

__all__ = [
    "AuditedAdmin",
    "AuditedGroupAdmin",
    "AuditedUserAdmin",
    "ReadOnlyAdmin",
    "record_deletion",
]

_BEFORE = "_followup_audit_before"

if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[Any]
    _BaseModelAdmin = admin.ModelAdmin[Any]
    _BaseUserAdmin = UserAdmin[Any]
else:
    _ModelAdmin = object
    _BaseModelAdmin = admin.ModelAdmin
    _BaseUserAdmin = UserAdmin


class ExplainsRefusals(_ModelAdmin):
    """An admin refusal (403) says what cannot be done and why, on an admin page, instead of
    the site's page about partnership roles. ``refusal`` says why, for models the admin only
    shows; a user without a permission is told which one they lack."""

    refusal = ""

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except PermissionDenied:
            verb = "change" if request.method == "POST" else "view"
            verb = "add" if object_id is None else verb
            return self.refused(request, verb, object_id)

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        try:
            return super().delete_view(request, object_id, extra_context)
        except PermissionDenied:
            return self.refused(request, "delete", object_id)

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        try:
            return super().history_view(request, object_id, extra_context)
        except PermissionDenied:
            return self.refused(request, "view the history of", object_id)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        try:
            return super().changelist_view(request, extra_context)
        except PermissionDenied:
            return self.refused(request, "view", None)

    def refused(self, request: HttpRequest, verb: str, object_id: str | None) -> HttpResponse:
        opts = self.model._meta
        obj = None
        if object_id is not None:
            obj = self.model._default_manager.filter(pk=_pk(self.model, object_id)).first()
        what = f"“{obj}”" if obj is not None else f"{opts.verbose_name_plural}"
        reasons: list[str] = []
        if verb == "delete" and obj is not None and self._may(request, "delete", obj):
            # Allowed itself, but the deletion would take rows that may not be deleted here.
            _, _, blocked, _ = self.get_deleted_objects([obj], request)
            admins = [
                (model._meta, model_admin)
                for model, model_admin in self.admin_site._registry.items()
                if model._meta.verbose_name in blocked
            ]
            names = sorted(str(meta.verbose_name_plural) for meta, _ in admins)
            reasons.append(
                f"Deleting {what} would also delete its {' and '.join(names)}, "
                "which cannot be deleted here."
            )
            reasons += [r for _, a in admins if (r := getattr(a, "refusal", ""))]
        elif self.refusal:
            reasons.append(self.refusal)
        else:
            reasons.append(
                f"Your account does not have permission to {verb} "
                f"{opts.verbose_name_plural}. A superuser can give it on your user’s page or "
                "to one of your groups."
            )
        may_view = self.has_view_permission(request)
        context = {
            **self.admin_site.each_context(request),
            "list_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
            if may_view
            else "",
            "title": f"You cannot {verb} {what} here",
            "opts": opts,
            "reasons": reasons,
            "object": obj,
        }
        return TemplateResponse(request, "admin/followup/refused.html", context, status=403)

    def _may(self, request: HttpRequest, verb: str, obj: Any) -> bool:
        return bool(getattr(self, f"has_{verb}_permission")(request, obj))


def _pk(model: type[models.Model], object_id: str) -> Any:
    try:
        return model._meta.pk.to_python(object_id)
    except (ValidationError, ValueError, TypeError):
        return None  # a malformed id names no object


class AuditedAdminMixin(ExplainsRefusals):
    """Saves, links and deletes made in the admin are audited like any other write."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    change_form_template = "admin/followup/change_form.html"
    delete_confirmation_template = "admin/followup/delete_confirmation.html"
    delete_selected_confirmation_template = "admin/followup/delete_selected_confirmation.html"

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        if issubclass(form, AdminFormMixin):
            return form
        return type(form.__name__, (AdminFormMixin, form), {"__module__": form.__module__})

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        """A row's partnership is chosen when it is made, and never changed."""
        fields = list(super().get_readonly_fields(request, obj))
        names = {f.name for f in self.model._meta.concrete_fields}
        if obj is not None and "partnership" in names and "partnership" not in fields:
            fields.append("partnership")
        return fields

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> Any:
        form = context["adminform"].form
        if VERSION_FIELD in form.fields:
            context["version_field"] = form[VERSION_FIELD]
        return super().render_change_form(request, context, *args, **kwargs)

    def render_delete_form(self, request: HttpRequest, context: dict[str, Any]) -> Any:
        context["emptied"] = [str(e) for e in emptied([context["object"]])]
        return super().render_delete_form(request, context)

    def get_actions(self, request: HttpRequest) -> Any:
        actions = super().get_actions(request)
        entry = actions.get("delete_selected")
        if entry is not None:
            _, name, description = entry
            actions["delete_selected"] = (_delete_selected, name, description)
        return actions

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """A change writes only the fields the user changed (and the form checked its version
        under a row lock); an addition is saved whole."""
        if not change:
            obj.__dict__[_BEFORE] = {}
            super().save_model(request, obj, form, change)
            return
        obj.__dict__[_BEFORE] = snapshot(type(obj)._default_manager.get(pk=obj.pk))
        if not isinstance(form, AdminFormMixin):
            super().save_model(request, obj, form, change)
        elif changed := form.changed_fields():
            obj.save(update_fields=changed)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        obj = form.instance
        before = obj.__dict__.pop(_BEFORE, {})
        verb = f"{obj._meta.model_name}.{'update' if change else 'create'}.admin"
        after = snapshot(type(obj)._default_manager.get(pk=obj.pk))
        changes = diff(before, after)
        if changes or not change:
            record(request.user, verb, obj, changes, partnership_of(obj))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic(using=router.db_for_write(type(obj))):
            record_deletion(request.user, obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic(using=router.db_for_write(queryset.model)):
            for obj in queryset:
                self.delete_model(request, obj)


def _delete_selected(modeladmin: Any, request: HttpRequest, queryset: Any) -> Any:
    """Django's "delete selected", whose confirmation also lists what the deletion empties."""
    response = delete_selected(modeladmin, request, queryset)
    if isinstance(response, TemplateResponse) and response.context_data is not None:
        response.context_data["emptied"] = [str(e) for e in emptied(queryset)]
    return response


class AuditedAdmin(AuditedAdminMixin, _BaseModelAdmin):
    """A model admin whose every write is audited."""


class ReadOnlyAdmin(ExplainsRefusals, _BaseModelAdmin):
    """A model the admin shows and never writes; ``refusal`` says why, and where it is
    written instead."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AuditedUserAdmin(AuditedAdminMixin, _BaseUserAdmin):
    """Django's user admin, audited: staff and superuser flags, groups, permissions, deletion
    and password changes (recorded as set or changed, never the hash). The last sign-in is
    the sign-in's to record, so it is shown, not edited."""

    readonly_fields = ("last_login",)

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        if request.method != "POST":
            return self._password_page(request, id, form_url)
        user = self.get_object(request, id)
        if user is None:
            return self._password_page(request, id, form_url)
        with transaction.atomic(using=router.db_for_write(type(user))):
            before = snapshot(user)
            response = self._password_page(request, id, form_url)
            user.refresh_from_db()
            changes = diff(before, snapshot(user))
            if changes:
                record(request.user, "user.password.admin", user, changes)
        return response

    def _password_page(self, request: HttpRequest, id: str, form_url: str) -> HttpResponse:
        try:
            return super().user_change_password(request, id, form_url)
        except PermissionDenied:
            return self.refused(request, "change the password of", id)


class AuditedGroupAdmin(AuditedAdminMixin, GroupAdmin):
    """Django's group admin, audited: a group's permissions pass to all its members."""
