"""The form that makes a personal access token for the API (``token_views``)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from followup.accounts import tokens
from followup.web.forms import StrictForm


class TokenForm(StrictForm):
    name = forms.CharField(
        max_length=100,
        label="Name",
        error_messages={"max_length": "Name must be 100 characters or fewer"},
        help_text="What the token is for, such as “Power BI dashboard”",
    )
    scope = forms.ChoiceField(
        choices=[
            ("read", "Read only: it can read what you can read, and change nothing"),
            ("write", "Read and write: it can also change what you can change"),
        ],
        initial="read",
        widget=forms.RadioSelect,
        label="What it can do",
    )
    days = forms.IntegerField(
        min_value=1,
        max_value=tokens.MAX_DAYS,
        initial=tokens.DEFAULT_DAYS,
        label="Days until it expires",
        error_messages={
            "min_value": f"Days until it expires must be from 1 to {tokens.MAX_DAYS}",
            "max_value": f"Days until it expires must be from 1 to {tokens.MAX_DAYS}",
        },
        help_text=f"From 1 to {tokens.MAX_DAYS}",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
    )
    allowed_addresses = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Addresses it may be used from (optional)",
        help_text="IP addresses or networks, one a line, such as 192.0.2.0/24. Leave empty to "
        "allow any.",
    )

    def clean_allowed_addresses(self) -> str:
        """Checked with the other fields, so that every mistake is listed at once; the action
        checks them again (``tokens.networks``)."""
        text: str = self.cleaned_data["allowed_addresses"]
        try:
            tokens.networks(text.splitlines())
        except ValidationError as refused:
            raise ValidationError(refused.message_dict["allowed_addresses"]) from None
        return text
