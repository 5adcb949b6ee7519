"""A backup round-trips a populated database and its media: restore brings back exactly
the rows and files that were there, whatever happened in between."""

import hashlib
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from mapping.models import UMKM, Product
from purbalingga_umkm.backups import backup_read_manifest, row_counts
from spreadsheets.models import ImportBatch


def media_checksums(root) -> dict:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.real_commits
@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_every_row_and_media_file_after_damage(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    product = world.product["X"]
    product.photo.save("sapu.jpg", ContentFile(b"\xff\xd8\xff foto sapu glagah"), save=True)
    world.import_batch()
    rows_before, media_before = row_counts(), media_checksums(tmp_path / "media")
    assert rows_before["mapping_umkm"] == 2 and rows_before["mapping_importbatch"] == 1 and media_before

    call_command("backup_create", "--output", str(tmp_path / "cadangan"), stdout=StringIO())
    [archive] = (tmp_path / "cadangan").glob("purbalingga-umkm-*.tar")
    UMKM.objects.filter(pk=world.umkm["Y"].pk).update(name="Diubah setelah cadangan")
    ImportBatch.objects.all().delete()
    Product.objects.get(pk=product.pk).photo.delete(save=True)
    (tmp_path / "media" / "sisa.txt").write_text("berkas yang tidak ada di cadangan")

    out = StringIO()
    call_command("backup_restore", str(archive), "--yes", stdout=out)

    assert "jumlah baris sama dengan manifest" in out.getvalue()
    assert row_counts() == rows_before
    assert media_checksums(tmp_path / "media") == media_before
    assert UMKM.objects.get(pk=world.umkm["Y"].pk).name == "UMKM Y"
    assert backup_read_manifest(archive)["rows"] == rows_before


@pytest.mark.real_commits
@pytest.mark.django_db(transaction=True)
def test_a_damaged_archive_is_refused_and_changes_nothing(world, settings, tmp_path):
    import tarfile

    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("backup_create", "--output", str(tmp_path), stdout=StringIO())
    [archive] = tmp_path.glob("purbalingga-umkm-*.tar")
    damaged = tmp_path / "rusak.tar"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "database.dump":  # one byte flipped in the middle: damage of any kind
                middle = len(data) // 2
                data = data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1:]
            member.size = len(data)
            import io
            target.addfile(member, io.BytesIO(data))
    UMKM.objects.filter(pk=world.umkm["X"].pk).update(name="Tetap")

    with pytest.raises(CommandError, match="checksum"):
        call_command("backup_restore", str(damaged), "--yes", stdout=StringIO())

    assert UMKM.objects.get(pk=world.umkm["X"].pk).name == "Tetap"
