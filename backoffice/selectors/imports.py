"""Reads of the import screens: a user sees only the imports they made."""

from backoffice.models import ImportJob


def import_jobs_of(*, user, limit: int = 10):
    return ImportJob.objects.filter(created_by=user).defer("content")[:limit]


def import_job_get(*, user, pk: int) -> ImportJob:
    """Raises ``ImportJob.DoesNotExist`` for someone else's import."""
    return ImportJob.objects.defer("content").get(pk=pk, created_by=user)
