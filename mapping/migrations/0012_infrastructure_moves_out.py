from django.db import migrations


class Migration(migrations.Migration):
    """The figures stamp now belongs to the shared infrastructure (purbalingga_umkm) and
    the import history to the spreadsheets app; their tables stay (state only)."""

    dependencies = [
        ("mapping", "0011_history_batch_without_constraint"),
        ("purbalingga_umkm", "0001_figures_stamp"),
        ("spreadsheets", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="DashboardStamp"),
                migrations.DeleteModel(name="ImportChange"),
                migrations.DeleteModel(name="ImportBatch"),
            ],
            database_operations=[],
        ),
    ]
