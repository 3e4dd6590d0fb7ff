"""The API tokens pages of one's account: the list, making a token (shown once), revoking."""

from __future__ import annotations

import re

from followup.accounts.models import AccessToken
from followup.audit.models import AuditEntry
from tests.api.conftest import Api, make_token
from tests.submissions import key

NEW = "/account/tokens/new/"


def _make(client, **fields):
    data = {"name": "Power BI", "scope": "read", "days": "30", "allowed_addresses": ""}
    return client.post(NEW, {**data, **fields, **key(client)}, follow=True)


def test_a_token_made_on_the_page_is_shown_once_on_the_next_with_a_warning(world):
    client = world.client_for("viewer")
    page = _make(client).content.decode()
    token = AccessToken.objects.get(user=world.users["viewer"])
    text = re.search(r'value="(fu_pat_[^"]+)"', page).group(1)
    assert "Copy the token now. It is shown only on this page, once" in page
    assert Api(text).get("/api/v1/partnerships/").status_code == 200
    again = client.get(f"/account/tokens/{token.pk}/").content.decode()
    assert "fu_pat_" not in again.replace(token.prefix, "")
    assert "This token was shown once, when it was made, and cannot be shown again." in again
    assert (token.name, token.can_write) == ("Power BI", False)
    assert AuditEntry.objects.get(verb="token.create").actor_name == "viewer"


def test_a_write_token_limited_to_addresses_is_made_as_asked(world):
    client = world.client_for("lead")
    _make(client, scope="write", days="90", allowed_addresses="192.0.2.0/24\n198.51.100.7")
    token = AccessToken.objects.get(user=world.users["lead"])
    assert (token.can_write, token.allowed_addresses) == (
        True,
        ["192.0.2.0/24", "198.51.100.7/32"],
    )
    assert (token.expires_at - token.created_at).days == 90


def test_the_form_refuses_a_token_of_more_than_a_year_or_a_wrong_address_naming_the_field(world):
    client = world.client_for("viewer")
    page = _make(client, days="366").content.decode()
    assert "Days until it expires must be from 1 to 365" in page
    page = _make(client, allowed_addresses="the office").content.decode()
    assert "“the office” is not an IP address or network." in page
    assert 'href="#id_allowed_addresses"' in page
    assert AccessToken.objects.count() == 0


def test_the_list_shows_each_of_ones_own_tokens_and_no_one_elses(world):
    make_token(world.users["viewer"], name="Performance system")
    make_token(world.users["lead"], name="The lead's script")
    page = world.client_for("viewer").get("/account/tokens/").content.decode()
    token = AccessToken.objects.get(user=world.users["viewer"])
    assert "Performance system" in page and f"<code>{token.prefix}…</code>" in page
    assert "Read only" in page and "Never" in page and "Active" in page
    assert "The lead's script" not in page


def test_revoking_asks_first_then_the_token_stops_working(world):
    text = make_token(world.users["viewer"], name="Old script")
    token = AccessToken.objects.get()
    client = world.client_for("viewer")
    confirm = client.get(f"/account/tokens/{token.pk}/revoke/").content.decode()
    assert "Revoke the token “Old script”?" in confirm
    assert AccessToken.objects.get().revoked_at is None
    page = client.post(f"/account/tokens/{token.pk}/revoke/", follow=True).content.decode()
    assert "The token “Old script” was revoked: it no longer works." in page
    assert "Revoked" in page
    assert Api(text).get("/api/v1/partnerships/").status_code == 401
    assert AuditEntry.objects.get(verb="token.revoke").actor_name == "viewer"
    again = client.post(f"/account/tokens/{token.pk}/revoke/", follow=True).content.decode()
    assert "The token “Old script” was revoked already." in again
    assert "was revoked: it no longer works" not in again
    assert AuditEntry.objects.filter(verb="token.revoke").count() == 1


def test_every_mistake_in_the_form_is_listed_at_once_each_naming_its_field(world):
    client = world.client_for("viewer")
    page = _make(
        client, name="x" * 101, scope="admin", days="0", allowed_addresses="notanip\n300.1.1.1"
    ).content.decode()
    for field in ("name", "scope", "days", "allowed_addresses"):
        assert f'href="#id_{field}' in page, field
    assert "Name must be 100 characters or fewer" in page
    assert "Days until it expires must be from 1 to 365" in page
    assert "“notanip” is not an IP address or network." in page
    assert AccessToken.objects.count() == 0


def test_outsider_gets_404_for_the_viewers_token_and_cannot_revoke_it(world):
    text = make_token(world.users["viewer"])
    token = AccessToken.objects.get()
    outsider = world.client_for("outsider")
    assert outsider.get(f"/account/tokens/{token.pk}/").status_code == 404
    assert outsider.post(f"/account/tokens/{token.pk}/revoke/").status_code == 404
    assert AccessToken.objects.get().revoked_at is None
    assert Api(text).get("/api/v1/partnerships/").status_code == 200


def test_hostile_values_in_the_token_form_never_give_a_server_error(world):
    from tests.core.test_no_server_errors import HOSTILE

    client = world.client_for("viewer")
    fields = ("name", "scope", "days", "allowed_addresses")
    for value in HOSTILE:
        response = client.post(NEW, {**{f: value for f in fields}, **key(client)})
        assert response.status_code < 500, value[:20]
    assert AccessToken.objects.count() == 0


def test_someone_who_must_set_up_a_second_factor_is_sent_to_do_so_and_gets_no_token(world):
    from tests import factories as f

    inspector = f.UserFactory(username="new-inspector")
    f.MembershipFactory(user=inspector, partnership=world.home.partnership, role="inspector")
    client = world.client_for(None)
    client.force_login(inspector)
    enrol = "/accounts/2fa/totp/activate/"
    for page in ("/account/tokens/", NEW):
        assert client.get(page)["Location"] == enrol
    data = {"name": "BI", "scope": "read", "days": "30", "allowed_addresses": "", **key(client)}
    sent = client.post(NEW, data)
    assert (sent.status_code, sent["Location"]) == (302, enrol)
    assert AccessToken.objects.count() == 0
    f.totp_authenticator(inspector)
    assert client.post(NEW, {**data, **key(client)}).status_code == 302
    assert AccessToken.objects.filter(user=inspector).count() == 1
