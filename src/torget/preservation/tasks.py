"""Background work for the worker that `torget run` starts (django-tasks' db_worker)."""

from django_tasks import task

from .models import Snapshot, SnapshotStatus
from .package import PackageError


@task()
def build_snapshot(snapshot_id: int) -> str:
    from .services import take_snapshot

    snapshot = Snapshot.objects.select_related("channel", "organisation").get(pk=snapshot_id)
    if snapshot.status not in (SnapshotStatus.SCHEDULED, SnapshotStatus.FAILED):
        return snapshot.status
    try:
        take_snapshot(snapshot, force=True)
    except PackageError as error:
        return f"failed: {error}"
    snapshot.refresh_from_db()
    return snapshot.status
