"""Shared fixtures: small, fast configs and a seed fixture (scikit-learn's global_random_seed idea)."""

from __future__ import annotations

import dataclasses

import pytest

from sim.config import Config, GroupsConfig, PopulationConfig

SEEDS = (0, 1, 2)


def small_config(seed: int = 0, days: int = 120, size: int = 800, **groups) -> Config:
    """A small world for fast tests: 800 people, one group, 120 days unless told otherwise."""
    return Config(seed=seed, days=days, population=PopulationConfig(size=size),
                  groups=dataclasses.replace(GroupsConfig(), **groups))


@pytest.fixture(params=SEEDS)
def seed(request) -> int:
    return request.param


@pytest.fixture
def small():
    return small_config
