"""The one snapshot router: each kind to one route, one timer that runs only while something waits, a new
run empties every route before its own snapshots are replayed."""
from __future__ import annotations

import numpy as np
import pytest

from engine.events import Snapshot
from gui.run import Run
from gui.snapshot_router import LatestRoute, Route, SnapshotRouter


class Probe(LatestRoute):
    kinds = ("hidden",)

    def __init__(self):
        super().__init__()
        self.shown, self.cleared = [], []

    def show(self, event) -> None:
        self.shown.append(event)

    def clear(self, run) -> None:
        super().clear(run)
        self.cleared.append(run)


class Slow(Route):
    """Paints over two ticks, as the hidden-state panels are built."""
    kinds = ("edge_map",)

    def __init__(self):
        self.ticks = 0

    def take(self, event) -> bool:
        self.ticks = 2
        return True

    def paint(self, final: bool) -> bool:
        self.ticks = 0 if final else self.ticks - 1
        return self.ticks > 0


def shot(kind: str, split: str = "train") -> Snapshot:
    return Snapshot(kind, {"image": np.zeros((2, 2))}, {"split": split})


def test_the_timer_runs_only_while_something_waits(qtbot):
    router = SnapshotRouter(tick_ms=10)
    probe = router.add(Probe())
    assert not router.active  # an idle window does no work
    first, newest = shot("hidden"), shot("hidden")
    router.deliver(first)
    router.deliver(newest)
    assert router.active
    qtbot.waitUntil(lambda: not router.active, timeout=2000)
    assert probe.shown == [newest]  # a live probe: the newest only, painted once
    router.deliver(shot("trajectories"))  # a kind no view shows: kept by the run only
    assert not router.active


def test_a_route_painting_over_several_ticks_keeps_the_timer_until_done(qtbot):
    router = SnapshotRouter(tick_ms=10)
    slow = router.add(Slow())
    router.deliver(shot("edge_map"))
    qtbot.wait(15)
    qtbot.waitUntil(lambda: not router.active, timeout=2000)
    assert slow.ticks == 0


def test_a_kind_has_one_route():
    router = SnapshotRouter()
    router.add(Probe())
    with pytest.raises(ValueError, match="hidden"):
        router.add(Probe())


def test_showing_a_run_empties_every_route_then_replays_what_the_run_kept(qtbot):
    router = SnapshotRouter(tick_ms=10)
    probe = router.add(Probe())
    old = shot("hidden")
    router.deliver(old)  # waiting for a tick when the next run starts: never drawn
    run = Run(2, {"task": "classify", "cell": "gru", "hidden": 8})
    kept = shot("hidden")
    run.keep(kept)
    run.keep(shot("prediction", "test"))
    router.show(run)
    assert probe.cleared == [run] and probe.shown == [kept] and not router.active
    assert run.snapshots()[0] is kept and run.results[0].kind == "prediction"
