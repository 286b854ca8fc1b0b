"""Background tasks of the back office (run by ``manage.py db_worker``): large imports."""

from backoffice import services
from config.tasks import task


@task()
def check_import(job_id: int) -> str:
    """The preview of a large file, with its progress on the job."""
    try:
        return services.import_job_check(job_id=job_id).status
    except Exception:
        services.import_job_fail(job_id=job_id)
        raise


@task()
def commit_import(job_id: int) -> str:
    """The commit of a checked large file: one transaction (a killed worker leaves the job
    "importing", and running the task again imports it)."""
    try:
        return services.import_job_run_commit(job_id=job_id).status
    except Exception:
        services.import_job_fail(job_id=job_id)
        raise
