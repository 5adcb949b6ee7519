from django.db import migrations, models


class Migration(migrations.Migration):
    """The figures stamp moves from mapping (its table stays: state only)."""

    initial = True
    dependencies = [("mapping", "0011_history_batch_without_constraint")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="FiguresStamp",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("version", models.BigIntegerField(default=0)),
                    ],
                    options={"db_table": "mapping_dashboardstamp"},
                ),
            ],
            database_operations=[],
        ),
    ]
