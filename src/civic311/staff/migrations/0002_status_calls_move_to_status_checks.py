from django.db import migrations


class Migration(migrations.Migration):
    """The count moved to `status_checks.StatusCheck` (copied by its first migration)."""

    dependencies = [
        ("staff", "0001_initial"),
        ("status_checks", "0001_initial"),
    ]

    operations = [
        migrations.DeleteModel(name="StatusCall"),
    ]
