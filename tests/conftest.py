"""Shared fixtures: small, fast configs and a seed fixture (scikit-learn's global_random_seed idea)."""

from __future__ import annotations

import dataclasses

import pytest

from sim.config import Config, GroupsConfig, PopulationConfig

SEEDS = (0, 1, 2)


def small_config(seed: int = 0, days: int = 120, size: int = 800, policies: dict | None = None, **groups) -> Config:
    """A small world for fast tests: 800 people, one group, 120 days unless told otherwise.

    ``policies`` maps policy names to parameter overrides, e.g. ``{"red_packet": {"slot": "noon"}}``.
    """
    from sim.policies import spec

    chosen = tuple(spec(name, **(params or {})) for name, params in (policies or {}).items())
    return Config(seed=seed, days=days, population=PopulationConfig(size=size),
                  groups=dataclasses.replace(GroupsConfig(), **groups), policy=chosen)


@pytest.fixture(params=SEEDS)
def seed(request) -> int:
    return request.param


@pytest.fixture
def small():
    return small_config
