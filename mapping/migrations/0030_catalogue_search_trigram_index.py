"""A trigram index of the catalogue's search text on PostgreSQL, so a buyer's search ("sapu",
"keripik tempe": LIKE '%…%') reads the matching list rows instead of every one. pg_trgm is a
trusted extension (PostgreSQL 13+): the database owner may create it. Where it cannot be
created the search works as before, reading every row; SQLite has no such index."""

import logging

from django.db import migrations, transaction

INDEX = "catalogue_search_trigram"
logger = logging.getLogger(__name__)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("mapping", "CatalogueListing")._meta.db_table
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON {table} USING gin (search gin_trgm_ops)")
    except Exception as error:  # no pg_trgm on this server, or no right to create it
        logger.warning("Catalogue search without a trigram index (%s): searches read every list row.", error)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ("mapping", "0029_umkm_desa_name_index"),
    ]

    operations = [migrations.RunPython(create, drop)]
