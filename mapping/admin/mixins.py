"""What every mapping admin page shares: scope, optimistic locking, figures kept true."""

from django import forms
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from mapping.services.facts import facts_changed
from purbalingga_umkm.audit import SOURCE_ADMIN, audit_deleted, audit_history, audit_saved, audit_snapshot
from spreadsheets.models import ImportChange


class ScopedAdminMixin:
    """Admin views see and change only rows in the user's scope (mapping/access.py).

    Rows outside the scope do not exist for the admin: their URLs answer like a
    missing object, and bulk actions and filters work on the scoped queryset.
    """

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def _editable(self, request, obj) -> bool:
        return self.model._default_manager.editable_by(request.user).filter(pk=obj.pk).exists()

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or self._editable(request, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or self._editable(request, obj))


class VersionCheckedForm(forms.ModelForm):
    """Admin edits honour the same optimistic locking as the portal's survey forms."""

    # Not named "version": the model field is not editable, and this one only carries
    # the version the page was opened at.
    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["edit_version"] = self.instance.version

    def clean(self):
        cleaned = super().clean()
        sent = cleaned.get("edit_version")
        if self.instance.pk and sent is not None:
            # The admin runs inside a transaction: the row stays locked until it commits.
            stored = (
                type(self.instance).objects.select_for_update().filter(pk=self.instance.pk)
                .values_list("version", flat=True).first()
            )
            if stored != sent:
                raise ValidationError(
                    _("%(what)s ini sudah diubah orang lain sejak Anda membukanya. Muat ulang halaman untuk "
                      "melihat perubahannya, lalu ulangi isian Anda; tidak ada yang disimpan."),
                    params={"what": self.instance._meta.verbose_name.capitalize()},
                    code="edit_conflict",
                )
        return cleaned


class VersionedAdminMixin:
    """Each admin save of a versioned row (and of its versioned inline rows) bumps its version."""

    def save_model(self, request, obj, form, change):
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            instance = inline_form.instance
            if instance.pk and inline_form.has_changed() and hasattr(instance, "version"):
                instance.version += 1
        super().save_formset(request, form, formset, change)


def facts_merged(before: dict, after: dict) -> dict:
    """The facts_changed() keywords of a write that changed what `before` and `after` say."""
    merged = {}
    if before.get("everything") or after.get("everything"):
        merged["everything"] = True
    for name in ("umkm_ids", "desa_ids", "kecamatan_ids"):
        ids = [*before.get(name, ()), *after.get(name, ())]
        if ids:
            merged[name] = list(dict.fromkeys(ids))
    return merged


class FactsAdminMixin:
    """Every admin write that changes figures goes through facts_changed(), as the
    portal's do: a save with its inlines, a delete, and the bulk action "Hapus yang
    dipilih" (delete_queryset), which Django's signals-free bulk delete would skip.

    `facts_of(queryset)` says what changed (the keywords of facts_changed); read before
    a delete, since the rows are gone after it.
    """

    def facts_of(self, queryset) -> dict:
        return {}  # names and boundaries: only the cached figures are outdated

    def save_model(self, request, obj, form, change):
        # What the stored row counted for before the save (a product moved to another UMKM
        # changes the figures of both, and of both their kecamatan); kept on the request, as
        # one admin instance serves every request.
        request.facts_before = self.facts_of(self.model._default_manager.filter(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        after = self.facts_of(self.model._default_manager.filter(pk=form.instance.pk))
        facts_changed(**facts_merged(getattr(request, "facts_before", {}), after))

    def delete_model(self, request, obj):
        changed = self.facts_of(self.model._default_manager.filter(pk=obj.pk))
        super().delete_model(request, obj)
        facts_changed(**changed)

    def delete_queryset(self, request, queryset):
        changed = self.facts_of(queryset)
        super().delete_queryset(request, queryset)
        facts_changed(**changed)


class ReferenceListAdminMixin(FactsAdminMixin):
    """Sectors and rating classes: each has its flag in every UMKM's figures, and a
    class threshold re-classes every product, so any change recomputes them all."""

    def facts_of(self, queryset) -> dict:
        return {"everything": True}


class AuditedAdminMixin:
    """Admin writes enter the audit trail (purbalingga_umkm/audit.py) with their values
    before and after: saves, inline rows, deletes and the bulk action "Hapus yang
    dipilih". The object's "Riwayat" page lists its entries and the imports that wrote it."""

    object_history_template = "admin/audited_object_history.html"

    def save_model(self, request, obj, form, change):
        stored = type(obj)._default_manager.filter(pk=obj.pk).first() if change else None
        super().save_model(request, obj, form, change)
        audit_saved(obj, before=audit_snapshot(stored) if stored else None, by=request.user, source=SOURCE_ADMIN)

    def save_formset(self, request, form, formset, change):
        before, deleted = {}, []
        for inline in formset.forms:
            instance = inline.instance
            if instance.pk is None:
                continue
            if inline in formset.deleted_forms:
                deleted.append(instance)
            elif inline.has_changed():
                before[instance.pk] = audit_snapshot(type(instance)._default_manager.get(pk=instance.pk))
        audit_deleted(deleted, by=request.user, source=SOURCE_ADMIN)
        super().save_formset(request, form, formset, change)
        for instance in formset.new_objects:
            audit_saved(instance, before=None, by=request.user, source=SOURCE_ADMIN)
        for instance, _fields in formset.changed_objects:
            audit_saved(instance, before=before.get(instance.pk), by=request.user, source=SOURCE_ADMIN)

    def delete_model(self, request, obj):
        audit_deleted([obj], by=request.user, source=SOURCE_ADMIN)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        audit_deleted(list(queryset), by=request.user, source=SOURCE_ADMIN)
        super().delete_queryset(request, queryset)

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:  # otherwise the admin answers as for any missing object
            label = self.model._meta.label_lower
            imported = (ImportChange.objects.filter(model=label, object_id=obj.pk)
                        .select_related("batch__created_by").order_by("-batch__created_at", "-pk")[:200])
            extra_context = {**(extra_context or {}), "audit_entries": audit_history(model=label, object_id=obj.pk),
                             "import_changes": imported}
        return super().history_view(request, object_id, extra_context)
