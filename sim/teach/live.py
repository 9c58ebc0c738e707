"""The model behind the page: a CommunityModel from plain keyword parameters, with an optional twin.

Mesa's SolaraViz passes each slider to the model's constructor as a keyword of that name, and on
reset also a Mesa ``Scenario`` object as ``scenario``; so the preset is ``preset`` here and that
object is ignored. The twin runs strategy B of the side-by-side mode: the same scenario, seed and
uncertainties under other levers, stepped day by day with the main run.
"""

from __future__ import annotations

import threading

from ..model import CommunityModel
from .levers import COMPARE, Levers, World, build_config, describe, strategy_b
from .view import View, view_of


class TeachModel(CommunityModel):
    """A CommunityModel built from the page's levers and uncertainties; ``twin`` runs strategy B."""

    def __init__(self, preset: str = "default", seed: int = 0, red_packet_slot: str = "noon",
                 red_packet_yuan: float = 0.0, check_in_rule: str = "none", eviction_inactive_days: int = 0,
                 entry_fee_yuan: float = 0.0, replication: str = "none", high_share: float = 0.1,
                 mid_share: float = 0.3, expectation_factor: float = 1.0, compare: str = "off", people: int = 0,
                 scenario=None, rng=None):
        self.world = World(scenario=preset, seed=int(seed), high_share=high_share, mid_share=mid_share,
                           expectation_factor=expectation_factor, people=int(people))
        self.levers = Levers(red_packet_slot=red_packet_slot, red_packet_yuan=red_packet_yuan,
                             check_in_rule=check_in_rule, eviction_inactive_days=int(eviction_inactive_days),
                             entry_fee_yuan=entry_fee_yuan, replication=replication)
        super().__init__(build_config(self.world, self.levers))
        twin = strategy_b(self.world, compare)
        self.compare = compare
        self.twin = CommunityModel(twin) if twin is not None else None
        self._views: dict[str, tuple[int, View]] = {}
        # Mesa's "Use Threads" steps in one thread while the panels read in another: a day is read whole
        self.lock = threading.RLock()
        self.layout = None  # the network panel's node positions (sim.teach.network.Layout), kept across frames

    @property
    def label_a(self) -> str:
        return f"A: {describe(self.levers)}"

    @property
    def label_b(self) -> str:
        return f"B: {self.compare}" if self.twin is not None else ""

    def step(self) -> None:
        """One day of the main run and, while it runs, of the twin."""
        with self.lock:
            super().step()
            if self.twin is not None and self.twin.running:
                self.twin.step()

    def view(self, twin: bool = False) -> View | None:
        """The View of the main run (or of the twin), computed once per day stepped."""
        model = self.twin if twin else self
        if model is None:
            return None
        key = "twin" if twin else "main"
        with self.lock:
            steps = len(model.recorder.rows)
            cached = self._views.get(key)
            if cached is None or cached[0] != steps:
                cached = self._views[key] = (steps, view_of(model))
        return cached[1]


__all__ = ["COMPARE", "TeachModel"]
