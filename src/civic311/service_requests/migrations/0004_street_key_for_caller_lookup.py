"""Street key and block on every request, for the back office's lookup by address (ADR 0011).

The fields are added, then existing rows are filled in id order a batch at a time
(one SELECT and one executemany UPDATE per batch, so a city's millions of rows never
sit in memory), and only then are the indexes built: building an index once over
filled rows is cheaper than keeping it up to date through the backfill.
"""

from django.db import migrations, models

BATCH = 5000


def fill_street_keys(apps, schema_editor):
    """Set street_key and address_block from each existing request's address."""
    from civic311.geo.addresses import address_key

    ServiceRequest = apps.get_model("service_requests", "ServiceRequest")
    table = schema_editor.connection.ops.quote_name(ServiceRequest._meta.db_table)
    last_id = 0
    with schema_editor.connection.cursor() as cursor:
        while True:
            cursor.execute(
                f"SELECT id, address FROM {table} WHERE id > %s ORDER BY id LIMIT %s",
                [last_id, BATCH],
            )
            rows = cursor.fetchall()
            if not rows:
                return
            updates = []
            for request_id, address in rows:
                key = address_key(address or "")
                if key.street or key.block is not None:
                    updates.append((key.street, key.block, request_id))
            if updates:
                cursor.executemany(
                    f"UPDATE {table} SET street_key = %s, address_block = %s WHERE id = %s",
                    updates,
                )
            last_id = rows[-1][0]


class Migration(migrations.Migration):
    dependencies = [
        ("service_requests", "0003_api_sandbox_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="servicerequest",
            name="street_key",
            field=models.CharField(blank=True, default="", editable=False, max_length=100),
        ),
        migrations.AddField(
            model_name="servicerequest",
            name="address_block",
            field=models.PositiveIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(fill_street_keys, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="servicerequest",
            index=models.Index(
                fields=["street_key", "requested_datetime"], name="sr_street_requested"
            ),
        ),
        migrations.AddIndex(
            model_name="servicerequest",
            index=models.Index(
                fields=["street_key", "address_block", "requested_datetime"],
                name="sr_street_block_requested",
            ),
        ),
    ]
