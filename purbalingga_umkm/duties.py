"""Work other apps put on a pendamping's "Tugas saya" without mentoring knowing them.

An app whose records create field work (e.g. bantuan: follow-ups of how aid is used)
registers a provider at start-up; "Tugas saya" lists what every provider returns. So the
dependency goes from the app to this registry, never from mentoring to the app.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Duty:
    title: str  # what to do, in words
    detail: str  # for whom, where
    url: str
    due_on: date
    overdue: bool


_providers: list[Callable[[object], list[Duty]]] = []


def duty_provider_register(provider: Callable[[object], list[Duty]]) -> None:
    if provider not in _providers:
        _providers.append(provider)


def duties_for(user) -> list[Duty]:
    """Every provider's duties for `user`, overdue first, then by due date."""
    duties = [duty for provider in _providers for duty in provider(user)]
    return sorted(duties, key=lambda d: (not d.overdue, d.due_on, d.title))
