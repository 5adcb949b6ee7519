from django.core.management import call_command
from django.db import migrations


CACHE_TABLE = "purbalingga_cache"  # settings.CACHE_TABLE, as it was when this migration was written


def cache_table_create(apps, schema_editor):
    """The database cache's table, so production shares cached figures between workers with
    no Redis and no extra set-up step (settings.CACHES); harmless where Redis is used."""
    call_command("createcachetable", CACHE_TABLE, database=schema_editor.connection.alias, verbosity=0)


def cache_table_drop(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(CACHE_TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("purbalingga_umkm", "0002_audit_trail")]

    operations = [migrations.RunPython(cache_table_create, cache_table_drop)]
