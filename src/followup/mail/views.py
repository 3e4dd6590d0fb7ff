"""The notification settings page: each signed-in person's choice of how they are told, and the
messages sent to them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from followup.mail import actions, queries
from followup.mail.forms import NotifyingForm


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def notifications(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if request.method == "POST":
        form = NotifyingForm(request.POST)
        if form.is_valid():
            actions.set_notifying(user, form.cleaned_data["how"])
            messages.success(request, "Your notification settings are saved.")
            return redirect("mail:notifications")
    else:
        form = NotifyingForm(initial={"how": queries.notifying_choice(user)})
    return render(
        request,
        "mail/notifications.html",
        {"form": form, "sent": queries.messages_to(user)},
    )
