"""The audit log becomes a hash chain. Events written before it stay as they are (the
database refuses to change them); when there are any, the chain's first event vouches for
them all with one hash, so that none of them can be deleted or changed unnoticed."""

from django.db import migrations, models
from django.utils import timezone

from torget.archive.chain import GENESIS


def anchor_legacy(apps, schema_editor):
    from torget.organisations.auditchain import ANCHOR_ACTION, HASHED, event_hash, legacy_digest

    AuditEvent = apps.get_model("organisations", "AuditEvent")
    legacy = AuditEvent.objects.using(schema_editor.connection.alias).filter(seq__isnull=True)
    if not legacy.exists():
        return
    rows = legacy.order_by("id").values("id", "at", *HASHED).iterator(chunk_size=5000)
    count, last_id, digest = legacy_digest(rows)
    fields = {
        "organisation_id": None,
        "actor_id": None,
        "actor_name": "",
        "action": ANCHOR_ACTION,
        "object_type": "",
        "object_id": "",
        "object_repr": "",
        "before": None,
        "after": {"legacy_rows": count, "legacy_last_id": last_id, "legacy_sha256": digest},
        "note": "The audit log became a hash chain; this event vouches for the earlier ones.",
        "at": timezone.now(),
    }
    AuditEvent.objects.using(schema_editor.connection.alias).create(
        **fields, seq=1, prev_hash=GENESIS, entry_hash=event_hash(fields, seq=1, prev_hash=GENESIS)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0003_audit_refuses_delete_and_truncate"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="entry_hash",
            field=models.CharField(blank=True, max_length=64, null=True),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(blank=True, max_length=64, null=True),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(
                condition=models.Q(("seq__isnull", False)), fields=("seq",), name="audit_seq_unique"
            ),
        ),
        migrations.RunPython(anchor_legacy, migrations.RunPython.noop),
    ]
