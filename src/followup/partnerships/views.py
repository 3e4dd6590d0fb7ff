from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from followup.partnerships.queries import partnership_home


@login_required
def home(request: HttpRequest, slug: str) -> HttpResponse:
    page = partnership_home(request.user, slug)
    return render(
        request,
        "partnerships/home.html",
        {"page": page, "partnership": page.partnership, "caps": page.capabilities},
    )
