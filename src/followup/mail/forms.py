from __future__ import annotations

from typing import Any

from django import forms

from followup.mail.models import Notifying
from followup.web.forms import StrictForm

CHOOSE = "Choose how Followup should tell you about update requests"


class NotifyingForm(StrictForm):
    how = forms.ChoiceField(
        choices=Notifying.How.choices,
        widget=forms.RadioSelect,
        label="How should Followup tell you about update requests?",
        help_text="Whatever you choose, your requests are always on your “For you” page.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code in ("required", "invalid_choice"):
            self.fields["how"].error_messages[code] = CHOOSE
