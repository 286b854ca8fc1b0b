"""partner_key create --partner <slug> [--expires YYYY-MM-DD] | list | revoke <prefix>"""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from api import selectors, services
from api.models import PartnerApiKey
from crm.models import Partner


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"not a YYYY-MM-DD date: {value}") from exc


class Command(BaseCommand):
    help = "Create, list and revoke partner API keys. The new key is printed once, last line."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("--partner", required=True, help="partner slug")
        create.add_argument("--expires", type=_date, help="last day of validity, YYYY-MM-DD")
        list_parser = sub.add_parser("list")
        list_parser.add_argument("--partner", help="partner slug")
        revoke = sub.add_parser("revoke")
        revoke.add_argument("prefix")

    def handle(self, *args, **options):
        getattr(self, f"_{options['action']}")(options)

    def _partner(self, slug):
        try:
            return Partner.objects.get(slug=slug)
        except Partner.DoesNotExist as exc:
            raise CommandError(f"no partner with slug {slug!r}") from exc

    def _create(self, options):
        partner = self._partner(options["partner"])
        try:
            key, plaintext = services.partner_key_create(
                partner=partner, expires_on=options["expires"]
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        expiry = key.expires_at.isoformat() if key.expires_at else "never"
        self.stderr.write(
            f"Key {key.prefix} for {partner.slug} (expires: {expiry}). Shown once: store it now."
        )
        self.stdout.write(plaintext)

    def _list(self, options):
        partner = self._partner(options["partner"]) if options.get("partner") else None
        for key in selectors.partner_key_list(partner=partner):
            state = "revoked" if key.revoked_at else ("active" if key.is_usable() else "expired")
            self.stdout.write(
                "\t".join(
                    [
                        key.prefix,
                        key.partner.slug,
                        state,
                        key.created_at.isoformat(),
                        key.expires_at.isoformat() if key.expires_at else "-",
                        key.last_used_at.isoformat() if key.last_used_at else "-",
                    ]
                )
            )

    def _revoke(self, options):
        try:
            key = services.partner_key_revoke(prefix=options["prefix"])
        except PartnerApiKey.DoesNotExist as exc:
            raise CommandError(f"no key with prefix {options['prefix']!r}") from exc
        self.stdout.write(f"revoked {key.prefix} ({key.partner.slug})")
