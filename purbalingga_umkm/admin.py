from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from purbalingga_umkm.models import AuditEntry


class ReadOnlyAdminMixin:
    """Records written by the portal itself (history, audit): shown, never added, edited
    or deleted by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The whole audit trail for staff: searchable, read-only, never deleted."""

    list_display = ("at", "username", "action", "source", "model", "object_repr", "changes_shown")
    list_filter = ("action", "source", "model")
    search_fields = ("username", "object_repr", "object_id")
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    @admin.display(description=_("perubahan"))
    def changes_shown(self, obj):
        return ", ".join(obj.changes)
