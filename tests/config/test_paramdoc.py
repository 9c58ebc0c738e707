"""Every parameter is documented with its meaning and source, and docs/parameters.md is current."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.config import Config
from sim.paramdoc import markdown, rows
from sim.policies import available, spec

DOC = Path(__file__).resolve().parents[2] / "docs" / "parameters.md"


def test_every_model_parameter_has_a_comment():
    missing = [key for key, _, _, comment in rows(Config) if not comment and not key.startswith("policy")]
    assert not missing, f"parameters without a meaning/source comment: {missing}"


@pytest.mark.parametrize("name", available())
def test_every_policy_parameter_has_a_comment(name):
    cls = type(spec(name).instantiate())
    missing = [key for key, _, _, comment in rows(cls.Params, f"policy.{name}.") if not comment]
    assert not missing, f"parameters without a meaning/source comment: {missing}"


def test_the_parameter_reference_is_current():
    assert DOC.read_text() == markdown() + "\n", "regenerate: python -m sim.paramdoc > docs/parameters.md"


def test_the_policies_page_is_current():
    from sim.paramdoc import policies_markdown

    page = DOC.with_name("policies.md")
    assert page.read_text() == policies_markdown() + "\n", \
        "regenerate: python -m sim.paramdoc --policies > docs/policies.md"
