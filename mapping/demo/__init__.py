"""Demo data (seed_demo, clear_demo): generated, labelled as demo, never on production."""

from mapping.demo.generator import (
    DEMO_NIB_PREFIX, DEMO_PASSWORD, DEMO_USERNAME_PREFIX, DemoSeedResult, demo_accounts_ensure,
    demo_assessments_seed, demo_data_clear, demo_data_seed,
)

__all__ = [
    "DEMO_NIB_PREFIX", "DEMO_PASSWORD", "DEMO_USERNAME_PREFIX", "DemoSeedResult", "demo_accounts_ensure",
    "demo_assessments_seed", "demo_data_clear", "demo_data_seed",
]
