"""Background work for disposal, run by the django-tasks worker that `torget run` starts."""

from django_tasks import task


@task()
def execute_run(run_id: int) -> None:
    """Dispose of an approved run in batches (or continue one that was interrupted)."""
    from .services import run_execute

    run_execute(run_id=run_id)
