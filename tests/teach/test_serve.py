"""commsim-teach's start-up: bad input stops it with one line; the page's assets are named and fetched."""

from __future__ import annotations

import socket

import pytest

from sim.teach import assets, serve


def run(capsys, *argv) -> tuple[int, str]:
    with pytest.raises(SystemExit) as stop:
        serve.main(list(argv))
    err = capsys.readouterr().err
    return stop.value.code, err


def test_an_unknown_scenario_stops_with_one_line_naming_the_choices(capsys):
    code, err = run(capsys, "--scenario", "nope")
    assert code == 2 and err.count("\n") == 1
    assert err.startswith("commsim-teach: error: unknown scenario 'nope'; choose one of default, ")


def test_a_port_in_use_stops_with_one_line(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, err = run(capsys, "--port", str(port))
    assert code == 2
    assert err == f"commsim-teach: error: port {port} on 127.0.0.1 is in use; choose another with --port\n"


def test_a_bad_people_count_or_host_stops_with_one_line(capsys):
    assert run(capsys, "--people", "-5") == (2, "commsim-teach: error: --people must be >= 0, got -5\n")
    code, err = run(capsys, "--host", "no-such-host.invalid")
    assert code == 2 and err.startswith("commsim-teach: error: unknown host 'no-such-host.invalid'")


def test_the_assets_are_the_page_templates_and_the_panel_grids_at_exact_versions():
    specs = assets.needed()
    bases = {s.rsplit("@", 1)[0] for s in specs}
    assert {"@widgetti/solara-vuetify-app", "@widgetti/vue-grid-layout", "requirejs", "font-awesome"} <= bases
    assert "@widgetti/solara-vuetify3-app" not in bases  # the Vue 3 bundle is for ipyvue 3, which is not used
    assert all(s.rsplit("@", 1)[1][0].isdigit() for s in specs)


def test_missing_assets_are_those_not_unpacked(tmp_path):
    (tmp_path / "requirejs@2.3.6").mkdir()
    (tmp_path / "requirejs@2.3.6" / "package.json").write_text("{}")
    assert assets.missing(tmp_path, ["requirejs@2.3.6", "font-awesome@4.5.0"]) == ["font-awesome@4.5.0"]


def test_without_npm_the_fetch_fails_with_one_line(tmp_path, monkeypatch):
    monkeypatch.setattr(assets.shutil, "which", lambda name: None)
    with pytest.raises(assets.AssetError) as err:
        assets.fill(tmp_path, ["requirejs@2.3.6"])
    assert "npm not found" in str(err.value) and "\n" not in str(err.value)


def test_npm_failures_are_told_by_their_reason():
    stderr = ("npm error code ECONNREFUSED\nnpm error FetchError: request to http://r/x failed, reason: connect "
              "ECONNREFUSED\nnpm error A complete log of this run can be found in: /root/.npm/_logs/x.log\n")
    assert assets.npm_reason(stderr).endswith("failed, reason: connect ECONNREFUSED")
    assert assets.npm_reason("npm error code E404\nnpm error 404 Not Found\n") == "npm error code E404"
