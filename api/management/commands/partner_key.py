"""partner_key create --partner <slug> [--expires YYYY-MM-DD] | list | revoke <prefix>"""

from django.core.management.base import CommandError

from api import selectors, services
from api.management.credentials import CredentialCommand
from api.models import PartnerApiKey
from crm.models import Partner


class Command(CredentialCommand):
    help = "Create, list and revoke partner API keys. The new key is printed once, last line."
    noun = "key"
    owner_option = "partner"
    owner_help = "partner slug"
    model = PartnerApiKey
    can_list = True

    def find_owner(self, value):
        try:
            return Partner.objects.get(slug=value)
        except Partner.DoesNotExist as exc:
            raise CommandError(f"no partner with slug {value!r}") from exc

    def create(self, *, owner, expires_on):
        return services.partner_key_create(partner=owner, expires_on=expires_on)

    def revoke(self, *, prefix):
        return services.partner_key_revoke(prefix=prefix)

    def created_message(self, credential, owner):
        expiry = credential.expires_at.isoformat() if credential.expires_at else "never"
        return (
            f"Key {credential.prefix} for {owner.slug} (expires: {expiry}). "
            "Shown once: store it now."
        )

    def owner_label(self, credential):
        return credential.partner.slug

    def list_rows(self, owner):
        for key in selectors.partner_key_list(partner=owner):
            state = "revoked" if key.revoked_at else ("active" if key.is_usable() else "expired")
            yield [
                key.prefix,
                key.partner.slug,
                state,
                key.created_at.isoformat(),
                key.expires_at.isoformat() if key.expires_at else "-",
                key.last_used_at.isoformat() if key.last_used_at else "-",
            ]
