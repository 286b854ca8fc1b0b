"""factory_boy factories shared by the whole suite (real models, real database)."""

import factory
from django.contrib.auth import get_user_model

from crm import services
from crm.demo_framework import DEMO_SIREN_PREFIX
from crm.identifiers import luhn_check_digit
from crm.models import (
    ContactRole,
    LawfulBasis,
    Organisation,
    Partner,
    PartnerType,
    Person,
    RegionalUnion,
)
from crm.roles import Role


def valid_siren(serial: int) -> str:
    partial = f"{DEMO_SIREN_PREFIX}{serial:05d}"
    return partial + luhn_check_digit(partial)


def regional_union(code: str) -> RegionalUnion:
    """One of the regional unions loaded by the reference-data migration."""
    return RegionalUnion.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.invalid")
    password = factory.django.Password("secret-password-123")


def staff_user(role: Role, ur_code: str | None = None, **fields):
    """A user holding ``role`` (in the UR ``ur_code`` when given), through the real service."""
    user = UserFactory(**fields)
    union = regional_union(ur_code) if ur_code else None
    services.officer_profile_set(user=user, role=role, regional_union=union)
    return user


class OrganisationFactory(factory.django.DjangoModelFactory):
    """Organisations go through full_clean, like every write in the application."""

    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Entreprise test {n}")
    siren = factory.Sequence(lambda n: valid_siren(n + 50_000))
    postal_code = "35000"
    naf_code = "62.01Z"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.organisation_create(**kwargs)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Test{n}")
    role = ContactRole.OWNER
    organisation = factory.SubFactory(OrganisationFactory)
    lawful_basis = LawfulBasis.LEGITIMATE_INTEREST
    source = "tests"


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Partenaire {n}")
    slug = factory.Sequence(lambda n: f"partner-{n}")
    type = PartnerType.BANK
