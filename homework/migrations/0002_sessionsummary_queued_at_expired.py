from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("homework", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="sessionsummary",
            name="queued_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="sessionsummary",
            name="status",
            field=models.CharField(
                choices=[
                    ("queued", "Queued"),
                    ("rendering", "Rendering"),
                    ("ready", "Ready"),
                    ("failed", "Failed"),
                    ("expired", "Deleted after the retention period"),
                ],
                default="queued",
                max_length=10,
            ),
        ),
    ]
