"""The one road from the engine's snapshots to the views: a table from snapshot kind to the Route that shows
it (as napari maps layer types to their controls), and one repaint timer that runs only while something new
waits to be drawn.

Snapshots arrive many times a second while training; drawing each would keep the GUI thread (and the GIL
the training thread needs) busy. A Route keeps what arrived (`take`) and draws it at the next tick
(`paint`); live probes keep only the newest. The timer starts when a route has something new and stops at
the first tick with nothing left, so an idle window does no work.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Slot

TICK_MS = 100


class Route:
    """What one view does with the snapshots of `kinds` (a subclass per view)."""
    kinds: tuple[str, ...] = ()

    def take(self, event) -> bool:
        """Keep `event` for the next paint; True when there is something to paint."""
        return False

    def paint(self, final: bool) -> bool:
        """Draw what waits; True when part of it still waits (drawn over several ticks). `final`: draw all now."""
        return False

    def clear(self, run) -> None:
        """Forget what is shown: the view shows `run` from now on (filled by what it kept), or says it has
        nothing for it yet."""


class LatestRoute(Route):
    """A route that draws the newest snapshot only (a live probe, a curve replaced by the next one)."""

    def __init__(self):
        self.latest = None

    def take(self, event) -> bool:
        self.latest = event
        return True

    def paint(self, final: bool) -> bool:
        event, self.latest = self.latest, None
        if event is not None:
            self.show(event)
        return False

    def show(self, event) -> None:
        raise NotImplementedError

    def clear(self, run) -> None:
        self.latest = None


class SnapshotRouter(QObject):
    def __init__(self, parent=None, tick_ms: int = TICK_MS):
        super().__init__(parent)
        self.routes: dict[str, Route] = {}
        self._order: list[Route] = []  # every route, also those of no kind (curves, progress)
        self._pending: list[Route] = []
        self.timer = QTimer(self)
        self.timer.setInterval(tick_ms)
        self.timer.timeout.connect(self._tick)

    def add(self, route: Route) -> Route:
        for kind in route.kinds:
            if kind in self.routes:
                raise ValueError(f"snapshot kind {kind!r} has two routes")
            self.routes[kind] = route
        self._order.append(route)
        return route

    def deliver(self, event) -> None:
        """A snapshot of the current run: to the route of its kind (a kind no view shows is kept by the run
        only)."""
        route = self.routes.get(event.kind)
        if route is not None and route.take(event):
            self.wake(route)

    def wake(self, route: Route) -> None:
        """`route` has something new: paint it at the next tick."""
        if route not in self._pending:
            self._pending.append(route)
        if not self.timer.isActive():
            self.timer.start()

    @Slot()
    def _tick(self) -> None:
        pending, self._pending = self._pending, []
        for route in pending:
            if route.paint(False) and route not in self._pending:
                self._pending.append(route)
        if not self._pending:
            self.timer.stop()

    def flush(self) -> None:
        """Draw everything that waits, now (a run's end)."""
        pending, self._pending = self._pending, []
        for route in pending:
            route.paint(True)
        if not self._pending:
            self.timer.stop()

    def show(self, run) -> None:
        """Every view shows `run`: emptied, then refilled from what the run kept."""
        self._pending = []
        for route in self._order:
            route.clear(run)
        for event in run.snapshots() if run is not None else []:
            self.deliver(event)
        self.flush()

    @property
    def active(self) -> bool:
        return self.timer.isActive()

    def stop(self) -> None:
        self._pending = []
        self.timer.stop()
