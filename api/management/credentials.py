"""The one shape of the credential commands (``partner_key``, ``staff_token``):
``create --<owner> X [--expires YYYY-MM-DD]``, optionally ``list [--<owner> X]``, and
``revoke <prefix>``. A subclass names its owner, services and messages; the plaintext is
printed once, alone on the last line of stdout, and everything else goes to stderr."""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"not a YYYY-MM-DD date: {value}") from exc


class CredentialCommand(BaseCommand):
    noun = ""  # "key", "token": in messages
    owner_option = ""  # "partner", "user": the --option of create (and list)
    owner_help = ""
    model = None  # PartnerApiKey, StaffToken
    can_list = False

    # --- what each command says -----------------------------------------------------------
    def find_owner(self, value: str):
        raise NotImplementedError

    def create(self, *, owner, expires_on):
        raise NotImplementedError

    def revoke(self, *, prefix: str):
        raise NotImplementedError

    def created_message(self, credential, owner) -> str:
        raise NotImplementedError

    def owner_label(self, credential) -> str:
        raise NotImplementedError

    def list_rows(self, owner):
        raise NotImplementedError

    # --- the shared shape -----------------------------------------------------------------
    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument(f"--{self.owner_option}", required=True, help=self.owner_help)
        create.add_argument("--expires", type=_date, help="last day of validity, YYYY-MM-DD")
        if self.can_list:
            list_parser = sub.add_parser("list")
            list_parser.add_argument(f"--{self.owner_option}", help=self.owner_help)
        revoke = sub.add_parser("revoke")
        revoke.add_argument("prefix")

    def handle(self, *args, **options):
        getattr(self, f"_handle_{options['action']}")(options)

    def _handle_create(self, options):
        owner = self.find_owner(options[self.owner_option])
        try:
            credential, plaintext = self.create(owner=owner, expires_on=options["expires"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stderr.write(self.created_message(credential, owner))
        self.stdout.write(plaintext)

    def _handle_list(self, options):
        value = options.get(self.owner_option)
        owner = self.find_owner(value) if value else None
        for row in self.list_rows(owner):
            self.stdout.write("\t".join(row))

    def _handle_revoke(self, options):
        try:
            credential = self.revoke(prefix=options["prefix"])
        except self.model.DoesNotExist as exc:
            raise CommandError(f"no {self.noun} with prefix {options['prefix']!r}") from exc
        self.stdout.write(f"revoked {credential.prefix} ({self.owner_label(credential)})")
