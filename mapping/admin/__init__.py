"""The back office of the mapping app, by subdomain; importing it registers every page."""

from mapping.admin import catalogue, geography, komoditas, rating, registry  # noqa: F401  (registrations)
from mapping.admin.filters import KecamatanFilter
from mapping.admin.mixins import (
    AuditedAdminMixin, FactsAdminMixin, ScopedAdminMixin, VersionCheckedForm, VersionedAdminMixin,
)

__all__ = ["AuditedAdminMixin", "FactsAdminMixin", "KecamatanFilter", "ScopedAdminMixin", "VersionCheckedForm", "VersionedAdminMixin"]
