"""The API's reference pages, served from the sidecar package's files under the same Content
Security Policy as every page."""

from __future__ import annotations

import re

from django.test import Client


def test_the_reference_page_loads_swagger_ui_from_this_site_only(db):
    response = Client().get("/api/v1/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources and all(s.startswith("/") for s in sources), sources
    assert "<style" not in page and "<script>" not in page  # nothing inline: the policy refuses it
    assert "script-src 'self';" in response["Content-Security-Policy"]
    script = Client().get("/api/v1/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"] == "application/javascript"
    assert '"/api/v1/schema/"' in script.content.decode()


def test_the_reference_pages_files_are_served(db):
    for path in (
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css",
        "/static/api/reference.css",
    ):
        response = Client().get(path)
        assert response.status_code == 200, path
        b"".join(response.streaming_content if response.streaming else [response.content])
