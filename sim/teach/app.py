"""The teaching page: Mesa's SolaraViz around the model, with the page's own live panels.

Mesa's sidebar holds the controls (play/pause, step, reset; the play interval and the days drawn per
frame set the speed) and the model parameters (scenario, seed, levers, uncertainties, strategy B);
a changed parameter takes effect on RESET, as in every Mesa page. The panels: the lifecycle curve
with the current phase and the events, the group as a network, satisfaction by tier, and the
running commentary. Served by ``commsim-teach`` (sim/teach/serve.py).
"""

from __future__ import annotations

import io
import os

import reacton.ipywidgets as rw
import solara
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter

from ..config import SLOTS
from ..outputs import members_frame
from .commentary import CHINESE, commentary, latest
from .levers import CHECK_IN_RULES, COMPARE, REPLICATION_TIMINGS, describe, scenario_names
from .live import TeachModel
from . import network  # not its Layout by name: solara takes a module's `Layout` as the page layout
from .panels import lifecycle_figure, network_figure, satisfaction_figure

SCENARIO_ENV, PEOPLE_ENV = "COMMSIM_TEACH_SCENARIO", "COMMSIM_TEACH_PEOPLE"  # set by commsim-teach
PLAY_INTERVAL_MS = 100  # pause between frames (Mesa's default)
RENDER_INTERVAL_DAYS = 7  # days stepped per frame: a week, so two years play in about a minute
COMMENTARY_LINES = 10


def model_params(preset: str, people: int) -> dict:
    """SolaraViz's inputs: each becomes a keyword of TeachModel on reset (``people`` is fixed)."""
    def select(label, value, values):
        return {"type": "Select", "label": label, "value": value, "values": list(values)}

    def slider(kind, label, value, lo, hi, step):
        return {"type": kind, "label": label, "value": value, "min": lo, "max": hi, "step": step}

    return {
        "preset": select("Scenario", preset, scenario_names()),
        "seed": slider("SliderInt", "Seed (same seed, same run)", 0, 0, 99, 1),
        "red_packet_yuan": slider("SliderInt", "Red packet, yuan a week (0: as the scenario)", 0, 0, 200, 5),
        "red_packet_slot": select("Red packet slot", "noon", SLOTS),
        "check_in_rule": select("Check-in rule set (none: as the scenario)", "none", CHECK_IN_RULES),
        "eviction_inactive_days": slider("SliderInt", "Evict members silent for days (0: none)", 0, 0, 180, 10),
        "entry_fee_yuan": slider("SliderInt", "Entry fee, yuan (0: none)", 0, 0, 100, 1),
        "replication": select("Replicate the group when (none: never)", "none", REPLICATION_TIMINGS),
        "high_share": slider("SliderFloat", "Share of high-potential people", 0.1, 0.02, 0.4, 0.02),
        "mid_share": slider("SliderFloat", "Share of mid-potential people (low potential: the rest)",
                            0.3, 0.1, 0.6, 0.05),
        "expectation_factor": slider("SliderFloat", "Expectations (x the scenario's)", 1.0, 0.5, 2.0, 0.1),
        "compare": select("Side by side: strategy B", "off", COMPARE),
        "people": people,
    }


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


@solara.component
def Picture(make, dependencies):
    """A matplotlib figure as a PNG that fills its panel's width, redrawn when ``dependencies`` change."""
    png = solara.use_memo(lambda: _png(make()), dependencies)
    return rw.Image(value=png, format="png", layout={"width": "100%", "height": "auto"})


def settings(model: TeachModel) -> str:
    """The world and levers of the run on show (the sliders do not show their values)."""
    w, config = model.world, model.config
    high, mid, low = config.population.tier_shares
    expected = ", ".join(f"{e:.2f}" for e in config.population.expectation_by_tier)
    return (f"seed {w.seed}, {config.population.size} people, potential high/mid/low "
            f"{high:.0%}/{mid:.0%}/{low:.0%}, expected value {expected}; {describe(model.levers)}"
            + (f"; B: {model.compare}" if model.twin is not None else ""))


def _phase_words(name: str) -> str:
    return f"{name.replace('_', ' ')} ({CHINESE[name]})"


@solara.component
def Lifecycle(model: TeachModel):
    """The day counter, the phase, and the lifecycle curve (strategy B dashed over it)."""
    update_counter.get()
    view, twin = model.view(), model.view(twin=True)
    scenario = model.config.scenario
    with solara.Column(gap="2px", classes=["teach-lifecycle"]):
        with solara.Row(gap="12px", style={"align-items": "baseline"}):
            solara.Text(scenario.name.replace("_", " "), style={"font-weight": "bold"})
            solara.Text(f"day {view.day}" if view.day >= 0 else "day - (press ▶ or STEP)", classes=["teach-day"],
                        style={"font-size": "1.2em", "font-weight": "bold"})
            solara.Text(f"of {view.days_total}")
            solara.Text(_phase_words(view.phase_name), classes=["teach-phase"],
                        style={"font-size": "1.2em", "font-weight": "bold", "color": "#5b3f8c"})
        solara.Text(scenario.question, style={"font-size": "0.85em"})
        title = model.label_a if model.twin is not None else describe(model.levers)
        Picture(lambda: lifecycle_figure(view, twin, title, model.label_b), [id(model), view.day, twin and twin.day])


@solara.component
def Network(model: TeachModel):
    """Members coloured by tier, sized by activity, leavers fading (a stable sample of large groups)."""
    update_counter.get()
    view = model.view()
    if model.layout is None:
        model.layout = (network.Layout(), network.sample_keys(model.people.n))

    def draw():
        layout, keys = model.layout
        with model.lock:
            members = members_frame(model)
        s = network.sample(members, model.graph.adjacency, max(view.day, 0), keys)
        return network_figure(s, layout.place(s))

    with solara.Column(gap="2px", classes=["teach-network"]):
        solara.Text("The group as a network (ties on the social graph)", style={"font-weight": "bold"})
        Picture(draw, [id(model), view.day])


@solara.component
def Satisfaction(model: TeachModel):
    """Mean satisfaction by tier against each tier's expectation."""
    update_counter.get()
    view = model.view()
    with solara.Column(gap="2px"):
        solara.Text("Satisfaction by tier", style={"font-weight": "bold"})
        Picture(lambda: satisfaction_figure(view, model.config.population.expectation_by_tier), [id(model), view.day])


@solara.component
def Commentary(model: TeachModel):
    """What just happened, newest first; in the side-by-side mode, both strategies' numbers now."""
    update_counter.get()
    view, twin = model.view(), model.view(twin=True)
    lines = latest(commentary(view, model.config.detect), COMMENTARY_LINES)
    with solara.Column(gap="4px"):
        solara.Text("What just happened", style={"font-weight": "bold"})
        now = f"members {view.now('members'):.0f}, active {view.now('active_members'):.0f}"
        solara.Text(f"{model.label_a}: {now}" if twin is not None else now, classes=["teach-now"])
        if twin is not None:
            solara.Text(f"{model.label_b}: members {twin.now('members'):.0f}, "
                        f"active {twin.now('active_members'):.0f}", classes=["teach-now-b"])
        if not lines:
            solara.Text("Nothing yet: press ▶ to play.", style={"color": "#666666"})
        for line in lines:
            colour = "#D55E00" if line.kind in ("failure", "wave") else "#222222"
            solara.Text(str(line), classes=["teach-line"], style={"color": colour, "font-size": "0.95em"})
        solara.Text(f"In use: {settings(model)}. Changed a parameter? Press RESET.", classes=["teach-settings"],
                    style={"font-size": "0.8em", "color": "#555555", "margin-top": "8px"})


@solara.component
def Page():
    preset = os.environ.get(SCENARIO_ENV, "default")
    people = int(os.environ.get(PEOPLE_ENV, "0"))
    model = solara.use_memo(lambda: TeachModel(preset=preset, people=people), [])
    SolaraViz(model, components=[Lifecycle, Network, Satisfaction, Commentary],
              model_params=model_params(preset, people), name="community-sim: the life of a group",
              play_interval=PLAY_INTERVAL_MS, render_interval=RENDER_INTERVAL_DAYS)


__all__ = ["Page", "model_params"]
