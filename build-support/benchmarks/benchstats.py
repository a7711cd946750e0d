"""Pure numbers of the benchmark: medians, ratios to the baseline, target verdicts, bounds."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Summary:
    """The repetitions of one scenario, in seconds."""

    runs: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    @property
    def low(self) -> float:
        return min(self.runs)

    @property
    def high(self) -> float:
        return max(self.runs)


def summarize(runs: Iterable[float]) -> Summary:
    values = tuple(float(r) for r in runs)
    if not values:
        raise ValueError("a scenario needs at least one run")
    return Summary(values)


def ratio(value: float, baseline: float) -> float:
    if baseline <= 0:
        raise ValueError(f"baseline must be positive, got {baseline}")
    return value / baseline


@dataclass(frozen=True)
class Verdict:
    met: bool
    text: str


def at_most(value: float, limit: float, *, unit: str = "") -> Verdict:
    """Met when value <= limit; a miss says by how much, absolutely and relatively."""
    shown = f"{value:.3f}{unit} vs <= {limit:.3f}{unit}"
    if value <= limit:
        return Verdict(True, f"met ({shown})")
    over = value - limit
    return Verdict(False, f"missed by {over:.3f}{unit} ({shown}, {100 * over / limit:.0f}% over)")


def at_least(value: float, limit: float, *, unit: str = "") -> Verdict:
    shown = f"{value:.3f}{unit} vs >= {limit:.3f}{unit}"
    if value >= limit:
        return Verdict(True, f"met ({shown})")
    return Verdict(False, f"missed by {limit - value:.3f}{unit} ({shown})")


def lower_bound(file_seconds: Sequence[float], cores: int) -> float:
    """No schedule of these test files on `cores` cores beats this: max(longest, total/cores)."""
    if cores < 1:
        raise ValueError("cores must be >= 1")
    if not file_seconds:
        return 0.0
    return max(max(file_seconds), sum(file_seconds) / cores)


def overhead_per_process(process_seconds: Sequence[float], test_seconds: Sequence[float]) -> float:
    """Mean time a test process spends outside its tests (start-up, imports, collection, I/O)."""
    if len(process_seconds) != len(test_seconds):
        raise ValueError("one test time per process")
    if not process_seconds:
        return 0.0
    return statistics.fmean(p - t for p, t in zip(process_seconds, test_seconds, strict=True))


def balanced_wall(process_seconds: Sequence[float], cores: int, wall: float) -> float:
    """The wall time of a run had its test processes been split into perfectly even batches.

    What did not overlap the longest process (start-up, scheduling, the coverage report) stays;
    the processes' total time is spread evenly over the cores.
    """
    if cores < 1:
        raise ValueError("cores must be >= 1")
    if not process_seconds:
        return wall
    outside = max(0.0, wall - max(process_seconds))
    return outside + sum(process_seconds) / cores


def percentile(values: Sequence[float], q: float) -> float:
    """The nearest-rank q-th percentile (0 < q <= 100): a value that was measured, never a blend."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))  # ceil without floats' rounding
    return ordered[int(rank) - 1]
