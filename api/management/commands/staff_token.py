"""staff_token create --user <username> [--expires YYYY-MM-DD] | revoke <prefix>"""

from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from api import services
from api.models import StaffToken


class Command(BaseCommand):
    help = "Create or revoke a staff API token. The new token is printed once, last line."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("--user", required=True, help="username")
        create.add_argument("--expires", type=date.fromisoformat, help="YYYY-MM-DD")
        revoke = sub.add_parser("revoke")
        revoke.add_argument("prefix")

    def handle(self, *args, **options):
        if options["action"] == "revoke":
            try:
                token = services.staff_token_revoke(prefix=options["prefix"])
            except StaffToken.DoesNotExist as exc:
                raise CommandError(f"no token with prefix {options['prefix']!r}") from exc
            self.stdout.write(f"revoked {token.prefix} ({token.user.get_username()})")
            return
        user_model = get_user_model()
        try:
            user = user_model.objects.get(**{user_model.USERNAME_FIELD: options["user"]})
        except user_model.DoesNotExist as exc:
            raise CommandError(f"no user {options['user']!r}") from exc
        try:
            token, plaintext = services.staff_token_create(user=user, expires_on=options["expires"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stderr.write(f"Token {token.prefix} for {user.get_username()}. Shown once.")
        self.stdout.write(plaintext)
