"""staff_token create --user <username> [--expires YYYY-MM-DD] | revoke <prefix>"""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from api import services
from api.management.credentials import CredentialCommand
from api.models import StaffToken


class Command(CredentialCommand):
    help = "Create or revoke a staff API token. The new token is printed once, last line."
    noun = "token"
    owner_option = "user"
    owner_help = "username"
    model = StaffToken

    def find_owner(self, value):
        user_model = get_user_model()
        try:
            return user_model.objects.get(**{user_model.USERNAME_FIELD: value})
        except user_model.DoesNotExist as exc:
            raise CommandError(f"no user {value!r}") from exc

    def create(self, *, owner, expires_on):
        return services.staff_token_create(user=owner, expires_on=expires_on)

    def revoke(self, *, prefix):
        return services.staff_token_revoke(prefix=prefix)

    def created_message(self, credential, owner):
        return f"Token {credential.prefix} for {owner.get_username()}. Shown once."

    def owner_label(self, credential):
        return credential.user.get_username()
