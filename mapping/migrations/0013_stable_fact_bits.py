from django.db import migrations, models


def bits_from_rank(apps, schema_editor):
    """Each sector and rating class keeps the flag it had (its rank by id), now stored."""
    Counter = apps.get_model("mapping", "FactBitCounter")
    for name in ("sector", "ratingclass"):
        model = apps.get_model("mapping", name)
        pks = list(model.objects.order_by("pk").values_list("pk", flat=True))
        for position, pk in enumerate(pks):
            model.objects.filter(pk=pk).update(fact_bit=position)
        Counter.objects.update_or_create(name=name, defaults={"used": len(pks)})


class Migration(migrations.Migration):

    dependencies = [("mapping", "0012_infrastructure_moves_out")]

    operations = [
        migrations.CreateModel(
            name="FactBitCounter",
            fields=[
                ("name", models.CharField(max_length=40, primary_key=True, serialize=False)),
                ("used", models.PositiveSmallIntegerField(default=0)),
            ],
        ),
        migrations.AddField(
            model_name="sector",
            name="fact_bit",
            field=models.PositiveSmallIntegerField(editable=False, null=True, unique=True),
        ),
        migrations.AddField(
            model_name="ratingclass",
            name="fact_bit",
            field=models.PositiveSmallIntegerField(editable=False, null=True, unique=True),
        ),
        migrations.RunPython(bits_from_rank, migrations.RunPython.noop),
    ]
