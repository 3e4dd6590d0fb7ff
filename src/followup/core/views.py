from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from followup.partnerships.access import visible_partnerships


@login_required
def home(request: HttpRequest) -> HttpResponse:
    partnerships = list(visible_partnerships(request.user))
    if len(partnerships) == 1:
        return redirect("partnerships:home", partnerships[0].slug)
    return render(request, "core/home.html", {"partnerships": partnerships})


def form_page(
    request: HttpRequest,
    form: BaseForm,
    *,
    title: str,
    back_url: str,
    partnership: Any,
    caption: str = "",
    submit_label: str = "Save",
    status: int = 200,
    multipart: bool = False,
) -> HttpResponse:
    """Render a form on the standard GOV.UK form page."""
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": title,
            "caption": caption,
            "back_url": back_url,
            "partnership": partnership,
            "submit_label": submit_label,
            "multipart": multipart,
        },
        status=status,
    )


def save_form(
    request: HttpRequest,
    form: BaseForm,
    save: Callable[[dict[str, Any]], Any],
    *,
    message: str,
    then: Callable[[Any], str],
) -> HttpResponse | None:
    """The write path of a form view: on a valid POST, call the action with the cleaned data;
    on success flash ``message`` and redirect to ``then(result)``. An action's ValidationError
    goes onto the form at the field it names. None means: show the form (again)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = save(dict(form.cleaned_data))
    except ValidationError as error:
        apply_errors(form, error)
        return None
    messages.success(request, message)
    return redirect(then(result))


def apply_errors(form: BaseForm, error: ValidationError) -> None:
    """Put an action's validation error on the form, at the field it names."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)
