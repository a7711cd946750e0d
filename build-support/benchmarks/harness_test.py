import re
from pathlib import Path

import harness


def test_an_interleaved_schedule_runs_every_scenario_once_per_repetition_in_turn() -> None:
    assert harness.schedule(["B0", "B1", "P-ci"], 2) == [
        (1, "B0"),
        (1, "B1"),
        (1, "P-ci"),
        (2, "B0"),
        (2, "B1"),
        (2, "P-ci"),
    ]


def test_interleave_summarizes_each_scenario_from_its_own_runs(monkeypatch) -> None:
    monkeypatch.setattr(harness, "progress", lambda message: None)
    calls: list[str] = []

    def scenario(name: str, seconds: float, rc: int):
        def once(rep: int) -> harness.Timed:
            calls.append(f"{name}{rep}")
            return harness.Timed(seconds * rep, rc, Path("log"))

        return once

    done = harness.interleave({"a": scenario("a", 1.0, 0), "b": scenario("b", 10.0, 1)}, 3)
    assert calls == ["a1", "b1", "a2", "b2", "a3", "b3"]
    assert (done["a"][0].runs, done["a"][1]) == ((1.0, 2.0, 3.0), 0)
    assert (done["b"][0].median, done["b"][1]) == (20.0, 3)


def test_children_cache_bytecode_as_on_a_ci_runner(monkeypatch) -> None:
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    monkeypatch.setenv("PANTS_CONFIG_FILES", "pants.ci.toml")
    env = harness.clean_env(EXTRA="x")
    assert "PYTHONDONTWRITEBYTECODE" not in env
    assert "PANTS_CONFIG_FILES" not in env
    assert env["EXTRA"] == "x"


def test_the_cpu_check_is_a_time_in_seconds_to_the_millisecond() -> None:
    value = harness.cpu_check()
    assert re.fullmatch(r"\d+\.\d{3} s", value), value
    assert float(value.split()[0]) > 0
