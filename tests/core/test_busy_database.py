"""A page whose database stays locked (SQLite while a long job holds the write lock) is answered
"busy" with 503 and Retry-After, never as a server error."""

from __future__ import annotations

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path

from followup import urls as site_urls


def _locked(request: HttpRequest) -> HttpResponse:
    raise OperationalError("database is locked")


def _broken(request: HttpRequest) -> HttpResponse:
    raise OperationalError("no such table: nowhere")


urlpatterns = [path("locked/", _locked), path("broken/", _broken), *site_urls.urlpatterns]


def test_a_locked_database_gives_a_busy_page_and_any_other_database_error_stays_an_error(
    db, settings, caplog
):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    busy = client.get("/locked/")
    assert busy.status_code == 503
    assert busy["Retry-After"] == "30"
    page = busy.content.decode()
    assert '<h1 class="govuk-heading-xl">The service is busy</h1>' in page
    assert "Nothing you entered was saved." in page
    assert "Busy: the database stayed locked for GET /locked/" in caplog.text
    assert client.get("/broken/").status_code == 500
