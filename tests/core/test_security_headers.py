from django.test import Client

from followup.web.middleware import POLICY


def test_pages_carry_a_strict_content_security_policy(world):
    response = world.client_for("viewer").get("/p/home/")
    assert response["Content-Security-Policy"] == POLICY
    assert "script-src 'self';" in POLICY and "unsafe-inline" not in POLICY
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Permissions-Policy"].startswith("camera=()")


def test_the_sign_in_page_is_covered_too(db):
    assert Client().get("/accounts/login/")["Content-Security-Policy"] == POLICY


def test_member_pages_and_every_download_are_never_stored(world, monkeypatch):
    from django.urls import reverse

    from followup.reports import actions, render

    monkeypatch.setattr(render, "render", lambda report, fmt: f"{fmt} file".encode())

    site = world.home
    client = world.client_for("contributor")  # a viewer may not read excerpts
    urls = [
        "/p/home/",
        reverse("indicators:download_csv", args=["home", site.indicator.pk]),
        reverse("indicators:download_xlsx", args=["home", site.indicator.pk]),
        reverse("evidence:excerpts_download", args=["home", "csv"]),
        reverse("reports:inspection_file", args=["home", site.inspection.pk, "html"]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
    publication = actions.publish(world.users["inspector"], inspection=site.inspection)
    public = Client().get(reverse("reports:public_file", args=["home", publication.pk, "docx"]))
    assert "no-store" in public["Cache-Control"]
    assert "no-store" in Client().get("/accounts/login/")["Cache-Control"]


def test_the_admin_carries_a_content_security_policy_that_allows_only_its_own_inline_style(
    world,
):
    import base64
    import hashlib
    import re
    from importlib.resources import files

    from followup.web.middleware import ADMIN_POLICY

    admin = world.users["admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = world.client_for("admin")
    for url in ("/admin/", "/admin/login/", "/admin/reviews/progressreview/"):
        response = client.get(url)
        assert response.status_code in (200, 302), url
        assert response["Content-Security-Policy"] == ADMIN_POLICY, url
        assert "no-store" in response["Cache-Control"], url
    assert "script-src 'self';" in ADMIN_POLICY and "unsafe-inline" not in ADMIN_POLICY
    # The one hash allowed is that of the inline style in this Django's change list template.
    template = (files("django.contrib.admin") / "templates/admin/change_list.html").read_text()
    styles = re.findall(r"<style>(.*?)</style>", template, re.S)
    hashes = {base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() for s in styles}
    assert re.findall(r"'sha256-([^']+)'", ADMIN_POLICY) == sorted(hashes)


def test_trace_and_other_methods_are_refused(world):
    for client in (Client(), world.client_for("admin")):
        for method in ("TRACE", "TRACK", "PUT", "DELETE", "OPTIONS", "CONNECT", "PROPFIND"):
            response = client.generic(method, "/p/home/")
            assert response.status_code == 405, method
            assert response["Allow"] == "GET, HEAD, POST"
            assert response["Content-Security-Policy"] == POLICY
        assert client.generic("TRACE", "/accounts/login/", "secret=1").content == b""
