"""Partner keys and staff tokens: hashed, shown once, commands and admin."""

import re
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from api import keys, selectors, services
from api.models import PartnerApiKey, StaffToken
from crm.roles import Role
from tests.factories import staff_user

KEY_FORMAT = re.compile(r"^rlv_[0-9a-f]{8}\.[A-Za-z0-9_-]{43}$")


@pytest.mark.django_db
def test_key_is_stored_hashed_and_found_by_prefix(partner):
    key, plaintext = services.partner_key_create(partner=partner)
    assert KEY_FORMAT.match(plaintext)
    assert plaintext.startswith(f"rlv_{key.prefix}.")
    stored = PartnerApiKey.objects.filter(pk=key.pk).values().get()
    assert plaintext not in str(stored) and plaintext.split(".")[1] not in str(stored)
    assert key.hashed_key == keys.hash_key(plaintext) and len(key.hashed_key) == 64
    assert selectors.partner_key_from_plaintext(plaintext) == key
    assert selectors.partner_key_from_plaintext(plaintext + "x") is None


@pytest.mark.django_db
def test_hash_depends_on_the_pepper(partner, settings):
    _key, plaintext = services.partner_key_create(partner=partner)
    settings.RELEVE_API_KEY_PEPPER = "another-pepper"
    assert selectors.partner_key_from_plaintext(plaintext) is None


@pytest.mark.django_db
def test_expiry_is_the_end_of_the_given_day(partner):
    tomorrow = timezone.localdate() + timedelta(days=1)
    key, _plain = services.partner_key_create(partner=partner, expires_on=tomorrow)
    assert timezone.localtime(key.expires_at).date() == tomorrow + timedelta(days=1)
    assert timezone.localtime(key.expires_at).hour == 0
    with pytest.raises(Exception, match=r"passée|past"):
        services.partner_key_create(partner=partner, expires_on=date(2000, 1, 1))


@pytest.mark.django_db
def test_partner_key_command_create_list_revoke(partner):
    out, err = StringIO(), StringIO()
    call_command("partner_key", "create", "--partner", partner.slug, stdout=out, stderr=err)
    plaintext = out.getvalue().strip().splitlines()[-1]
    assert KEY_FORMAT.match(plaintext)
    assert selectors.partner_key_from_plaintext(plaintext).partner == partner
    prefix = plaintext[4:12]

    out = StringIO()
    call_command("partner_key", "list", stdout=out)
    assert prefix in out.getvalue() and "active" in out.getvalue()
    assert plaintext.split(".")[1] not in out.getvalue()

    call_command("partner_key", "revoke", prefix, stdout=StringIO())
    assert selectors.partner_key_from_plaintext(plaintext) is None
    out = StringIO()
    call_command("partner_key", "list", "--partner", partner.slug, stdout=out)
    assert "revoked" in out.getvalue()


@pytest.mark.django_db
def test_partner_key_command_with_expiry_and_errors(partner):
    out = StringIO()
    expires = (timezone.localdate() + timedelta(days=30)).isoformat()
    call_command(
        "partner_key", "create", "--partner", partner.slug, "--expires", expires,
        stdout=out, stderr=StringIO(),
    )  # fmt: skip
    assert PartnerApiKey.objects.get().expires_at is not None
    with pytest.raises(CommandError):
        call_command("partner_key", "create", "--partner", "nobody", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("partner_key", "revoke", "00000000", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command(
            "partner_key", "create", "--partner", partner.slug, "--expires", "2000-01-01",
            stdout=StringIO(), stderr=StringIO(),
        )  # fmt: skip


@pytest.mark.django_db
def test_staff_token_command(partner):
    user = staff_user(Role.DIRECTOR, "ouest", username="claude")
    out = StringIO()
    call_command("staff_token", "create", "--user", "claude", stdout=out, stderr=StringIO())
    plaintext = out.getvalue().strip().splitlines()[-1]
    assert plaintext.startswith("rlvs_")
    token = selectors.staff_token_from_plaintext(plaintext)
    assert token.user == user and plaintext not in str(StaffToken.objects.values().get())
    # A partner key is not a staff token, and the other way round.
    assert selectors.partner_key_from_plaintext(plaintext) is None
    call_command("staff_token", "revoke", token.prefix, stdout=StringIO())
    assert selectors.staff_token_from_plaintext(plaintext) is None
    with pytest.raises(CommandError):
        call_command("staff_token", "create", "--user", "nobody", stdout=StringIO())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("command", "owner"), [("partner_key", "--partner"), ("staff_token", "--user")]
)
def test_credential_commands_share_one_shape(partner, command, owner):
    # Both come from one base: same sub-commands, same date parsing, same revoke wording.
    staff_user(Role.DIRECTOR, "ouest", username="claude")
    name = partner.slug if command == "partner_key" else "claude"
    with pytest.raises(CommandError, match="not a YYYY-MM-DD date: 31/12/2030"):
        call_command(command, "create", owner, name, "--expires", "31/12/2030")
    err = StringIO()
    call_command(command, "create", owner, name, stdout=StringIO(), stderr=err)
    prefix = err.getvalue().split()[1]
    out = StringIO()
    call_command(command, "revoke", prefix, stdout=out)
    assert out.getvalue() == f"revoked {prefix} ({name})\n"


@pytest.mark.django_db
def test_admin_creates_a_key_shown_once_and_revokes(admin_client, partner):
    response = admin_client.post(
        "/admin/api/partnerapikey/add/", {"partner": partner.pk, "expires_on": ""}, follow=True
    )
    assert response.status_code == 200
    key = PartnerApiKey.objects.get()
    page = response.content.decode()
    shown = re.search(r"rlv_[0-9a-f]{8}\.[A-Za-z0-9_-]{43}", page).group(0)
    assert selectors.partner_key_from_plaintext(shown) == key
    # Never again, and never the hash.
    listing = admin_client.get("/admin/api/partnerapikey/").content.decode()
    change = admin_client.get(f"/admin/api/partnerapikey/{key.pk}/change/").content.decode()
    for later in (listing, change):
        assert shown not in later and key.hashed_key not in later
        assert key.prefix in later
    admin_client.post(
        "/admin/api/partnerapikey/", {"action": "revoke", "_selected_action": [key.pk]}
    )
    key.refresh_from_db()
    assert key.revoked_at is not None


@pytest.mark.django_db
def test_an_expired_key_or_an_inactive_partners_key_is_not_found(partner):
    key, plaintext = services.partner_key_create(partner=partner)
    PartnerApiKey.objects.filter(pk=key.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert selectors.partner_key_from_plaintext(plaintext) is None
    PartnerApiKey.objects.filter(pk=key.pk).update(expires_at=timezone.now() + timedelta(minutes=1))
    assert selectors.partner_key_from_plaintext(plaintext) == key
    partner.is_active = False
    partner.save()
    assert selectors.partner_key_from_plaintext(plaintext) is None


@pytest.mark.django_db
@pytest.mark.parametrize("overrides", [None, {"rate_per_minute": 7, "rate_per_day": None}])
def test_the_key_comes_with_its_partner_and_rate_overrides_in_one_query(
    partner, overrides, django_assert_num_queries, settings
):
    """The lookup is one hand-written statement (issue 14): what it builds is what the ORM
    reads, relations included, and reading them costs nothing more."""
    from api.models import PartnerApiSettings

    if overrides is not None:
        PartnerApiSettings.objects.create(partner=partner, **overrides)
    key, plaintext = services.partner_key_create(partner=partner)
    with django_assert_num_queries(1):
        found = selectors.partner_key_from_plaintext(plaintext)
        limits = selectors.partner_rate_limits(found.partner)
        name = found.partner.name
    expected = PartnerApiKey.objects.select_related("partner").get(pk=key.pk)
    assert {f.attname: getattr(found, f.attname) for f in PartnerApiKey._meta.concrete_fields} == {
        f.attname: getattr(expected, f.attname) for f in PartnerApiKey._meta.concrete_fields
    }
    assert timezone.is_aware(found.created_at)
    assert name == partner.name and found.partner.created_at == expected.partner.created_at
    assert limits.per_minute == (7 if overrides else settings.RELEVE_API_RATE_PER_MINUTE)
    assert limits.per_day == settings.RELEVE_API_RATE_PER_DAY
