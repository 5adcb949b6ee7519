"""Demo data that other apps add to `seed_demo` and remove with `clear_demo` (bantuan's
demo programs and groups) without the command knowing them: each registered provider
seeds after the registry and the mentoring demo exist, and clears before them (its rows
point at demo UMKM, which are protected while referenced)."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DemoProvider:
    name: str
    seed: Callable[..., str]  # seed(seed=int) -> one line saying what was made
    clear: Callable[[], int]  # clear() -> rows deleted


_providers: list[DemoProvider] = []


def demo_provider_register(provider: DemoProvider) -> None:
    if all(p.name != provider.name for p in _providers):
        _providers.append(provider)


def demo_extras_seed(*, seed: int) -> list[str]:
    return [provider.seed(seed=seed) for provider in _providers]


def demo_extras_clear() -> int:
    return sum(provider.clear() for provider in reversed(_providers))
