"""Reads of crm that feed pages and the API."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from crm.roles import Role


def union_staff(*, regional_union_id: int) -> QuerySet:
    """The active officers and directors of a regional union: who may work on its cases
    (the same people ``transmission.services`` lets open, edit and take tasks on them)."""
    return get_user_model().objects.filter(
        is_active=True,
        officer_profile__role__in=[Role.OFFICER, Role.DIRECTOR],
        officer_profile__regional_union_id=regional_union_id,
    )


def staff_member_of(*, regional_union_id: int, pk: int):
    """The staff member ``pk`` of a regional union, or None (never someone from elsewhere)."""
    return union_staff(regional_union_id=regional_union_id).filter(pk=pk).first()
