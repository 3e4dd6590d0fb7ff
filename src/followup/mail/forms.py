from __future__ import annotations

from django import forms

from followup.mail.models import Notifying
from followup.web.forms import StrictForm


class NotifyingForm(StrictForm):
    how = forms.ChoiceField(
        choices=Notifying.How.choices,
        widget=forms.RadioSelect,
        label="How should Followup tell you about update requests?",
        help_text="Whatever you choose, your requests are always on your “For you” page.",
    )
