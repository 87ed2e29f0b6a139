from django.db import migrations, models


def copy_status_calls(apps, schema_editor):
    """Bring over the back office's earlier count (phone and ward-office lookups)."""
    old = apps.get_model("staff", "StatusCall")
    new = apps.get_model("status_checks", "StatusCheck")
    new.objects.bulk_create(
        new(day=row.day, channel=row.channel, count=row.count)
        for row in old.objects.filter(channel__in=["phone", "ward_office"])
    )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("staff", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="StatusCheck",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("day", models.DateField()),
                (
                    "channel",
                    models.CharField(
                        choices=[
                            ("web", "Tracker page"),
                            ("email", "Email link"),
                            ("api", "API lookup"),
                            ("phone", "Call centre"),
                            ("ward_office", "Ward office"),
                        ],
                        max_length=16,
                    ),
                ),
                ("count", models.PositiveIntegerField(default=0)),
            ],
            options={
                "ordering": ["-day", "channel"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("day", "channel"), name="status_check_day_channel"
                    )
                ],
            },
        ),
        migrations.RunPython(copy_status_calls, migrations.RunPython.noop),
    ]
