"""The account model: every login of Relève is a ``crm.User``.

A custom model from day one (Django's advice), so that what a person is called and how they
are reached can evolve without a painful swap later. People are always shown by their full
name (``str(user)``), never by their login.
"""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    # Shown instead of "first last" when set (e.g. a chosen name, or a team account's name).
    display_name = models.CharField(
        _("display name"),
        max_length=150,
        blank=True,
        help_text=_("Shown instead of the first and last names when set."),
    )
    # One account per address, whatever its case (constraint below): the address identifies a
    # colleague in digests and audits.
    email = models.EmailField(_("email address"))

    REQUIRED_FIELDS = ["email"]

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "username"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="user_email_unique_ci",
                violation_error_message=_("An account already uses this e-mail address."),
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        """The name people see: display name, else first and last names, else the login."""
        return self.display_name.strip() or self.get_full_name() or self.get_username()

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).strip()
