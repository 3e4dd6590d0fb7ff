from django.test import Client

from followup.core.middleware import POLICY


def test_pages_carry_a_strict_content_security_policy(world):
    response = world.client_for("viewer").get("/p/home/")
    assert response["Content-Security-Policy"] == POLICY
    assert "script-src 'self';" in POLICY and "unsafe-inline" not in POLICY
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Permissions-Policy"].startswith("camera=()")


def test_the_sign_in_page_is_covered_too(db):
    assert Client().get("/sign-in/")["Content-Security-Policy"] == POLICY
