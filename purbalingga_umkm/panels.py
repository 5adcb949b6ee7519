"""Sections one app adds to another app's page without that app knowing it (bantuan's
"Bantuan" section on mentoring's dashboard): the page asks for its panels by name, each
registered provider returns one (a template and its context) or None."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict


_providers: dict[str, list[Callable]] = {}


def panel_provider_register(page: str, provider: Callable) -> None:
    providers = _providers.setdefault(page, [])
    if provider not in providers:
        providers.append(provider)


def panels_for(page: str, request, **context) -> list[Panel]:
    """The panels of `page`; `context` is what the page is about (e.g. the UMKM shown)."""
    return [panel for provider in _providers.get(page, []) if (panel := provider(request, **context)) is not None]
