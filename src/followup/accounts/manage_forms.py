"""Forms of the administration pages, the members pages and the invitation page."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db.models import Q

from followup.partnerships.access import Capability, members_holding
from followup.partnerships.models import Area, Organisation, Partnership, Role
from followup.web.forms import ModelChoiceField, StrictForm, date_field, limit_choices, set_choices

# A GSS code as the Office for National Statistics publishes it: a letter for the nation, then
# eight digits, such as S12000028 (South Ayrshire) or S08000015 (NHS Ayrshire and Arran).
AREA_CODE = re.compile(r"[ENSW]\d{8}")


class PartnershipForm(StrictForm):
    name = forms.CharField(max_length=200, label="Name")
    slug = forms.SlugField(
        max_length=60,
        label="Short name for web addresses",
        help_text="Lower-case letters, numbers and hyphens, such as south-ayrshire",
    )
    area = ModelChoiceField(
        queryset=Area.objects.none(),
        required=False,
        label="Area",
        help_text="Choose the partnership's area, or add a new one below",
    )
    new_area_code = forms.CharField(
        max_length=9,
        required=False,
        label="New area: official code",
        help_text="The area's GSS code, such as S12000028",
    )
    new_area_name = forms.CharField(max_length=200, required=False, label="New area: name")
    new_area_kind = forms.ChoiceField(
        choices=Area.Kind.choices,
        initial=Area.Kind.COUNCIL,
        required=False,
        widget=forms.RadioSelect,
        label="New area: kind",
    )
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}), label="Description"
    )

    def __init__(self, *args: Any, current_area: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Areas whose code was replaced are not offered, but a partnership keeps its own.
        in_use = Q(successor__isnull=True) | Q(pk=current_area)
        limit_choices(self, "area", Area.objects.filter(in_use))

    def clean_new_area_code(self) -> str:
        code = str(self.cleaned_data.get("new_area_code") or "").upper()
        if code and not AREA_CODE.fullmatch(code):
            raise ValidationError(
                "Enter the official code as a letter and eight digits, such as S12000028"
            )
        if code and Area.objects.filter(code=code).exists():
            raise ValidationError("An area has this code already: choose it from the list")
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_area_code"):
            if data.get("area"):
                self.add_error("area", "Choose an area or add a new one, not both")
            if not data.get("new_area_name"):
                self.add_error("new_area_name", "Enter new area: name")
            if not data.get("new_area_kind"):
                self.add_error("new_area_kind", "Choose new area: kind")
        return data


def partnership_form(data: Any, partnership: Partnership) -> PartnershipForm:
    """The edit form of a partnership, with its values."""
    initial = {
        "name": partnership.name,
        "slug": partnership.slug,
        "area": partnership.area,
        "description": partnership.description,
    }
    return PartnershipForm(data, initial=initial, current_area=partnership.area_id)


class ContactChoice(ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.username})" if name else obj.username


class OrganisationForm(StrictForm):
    name = forms.CharField(max_length=200, label="Name")
    kind = forms.ChoiceField(
        choices=Organisation.Kind.choices, widget=forms.RadioSelect, label="Kind"
    )
    contact = ContactChoice(
        queryset=User.objects.none(),
        required=False,
        empty_label="Nobody",
        label="Contact for update requests",
        help_text=(
            "The member asked for the updates of this organisation's actions that have no one "
            "chosen to ask. Only members who can add updates are listed."
        ),
    )

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "contact", contact_choices(partnership))


def contact_choices(partnership: Partnership) -> Any:
    """The members an organisation's update requests may go to: those who can add updates."""
    holding = members_holding(Capability.UPDATE_ACTION).filter(partnership=partnership)
    return User.objects.filter(pk__in=holding.values("user_id")).order_by("username")


def organisation_form(data: Any, organisation: Organisation) -> OrganisationForm:
    initial = {
        "name": organisation.name,
        "kind": organisation.kind,
        "contact": organisation.contact,
    }
    return OrganisationForm(data, initial=initial, partnership=organisation.partnership)


class InspectorForm(StrictForm):
    user = forms.CharField(
        max_length=254,
        label="Inspector's username or email address",
        help_text="Their account must exist: create it with followup createuser",
    )
    starts_on = date_field("First day of the assignment")
    ends_on = date_field("Last day of the assignment")

    def clean_user(self) -> User:
        given = str(self.cleaned_data.get("user") or "")
        user = (
            User.objects.filter(username=given, is_active=True).first()
            or User.objects.filter(email__iexact=given, is_active=True).first()
        )
        if user is None:
            raise ValidationError("No active account has this username or email address")
        return user


class InviteForm(StrictForm):
    email = forms.EmailField(max_length=254, label="Email address")
    role = forms.ChoiceField(choices=[], widget=forms.RadioSelect, label="Role")
    organisation = ModelChoiceField(
        queryset=Organisation.objects.none(), required=False, label="Organisation"
    )

    def __init__(
        self, *args: Any, partnership: Partnership, roles: tuple[Role, ...], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "role", [(r.value, r.label) for r in roles])
        limit_choices(self, "organisation", partnership.organisations.all())


class RoleForm(StrictForm):
    role = forms.ChoiceField(choices=[], widget=forms.RadioSelect, label="Role")
    accepts_updates = forms.BooleanField(
        required=False,
        label="Accepts and returns the improvement plan's updates",
        help_text=(
            "For a contributor or an editor, on a lead officer's behalf. Lead officers and "
            "administrators accept updates already; other roles cannot be given this."
        ),
    )

    def __init__(self, *args: Any, roles: tuple[Role, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "role", [(r.value, r.label) for r in roles])


class SecondFactorForm(StrictForm):
    require_mfa = forms.BooleanField(
        required=False,
        label="Require a second factor of all members",
        help_text=(
            "Every member must set up an authenticator app or a security key before they can "
            "reach any page or use an API token. Inspectors and administrators must always have "
            "one."
        ),
    )


class NewAccountForm(StrictForm):
    """The account an invitation makes: its address is the invitation's."""

    username = forms.RegexField(
        regex=r"^[\w.@+-]+\Z",
        max_length=150,
        label="Username",
        help_text="Letters, numbers and @ . + - _ only. You can sign in with it or your email.",
        error_messages={"invalid": "Use only letters, numbers and @ . + - _ in your username"},
    )
    password1 = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
        label="Password",
        help_text="Make it long: a few unrelated words make a strong password.",
    )
    password2 = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
        label="Password again",
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_username(self) -> str:
        username = str(self.cleaned_data.get("username") or "")
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError("That username is taken. Choose another")
        return username

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The passwords differ")
        elif first:
            candidate = User(username=data.get("username", ""), email=self.email)
            try:
                validate_password(first, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return data
