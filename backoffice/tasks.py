"""Background tasks of the back office (run by ``manage.py db_worker``): large imports."""

from backoffice import services
from config.tasks import task


@task()
def check_import(job_id: int) -> str:
    """The preview of a large file, with its progress on the job."""
    return services.import_job_check(job_id=job_id).status


@task()
def commit_import(job_id: int) -> str:
    """The commit of a checked large file: one transaction."""
    return services.import_job_run_commit(job_id=job_id).status
