"""The window's garbage collection (gui/garbage.py): only in the GUI thread, on a timer, and what start-up made
frozen once the start-up imports have ended."""
import gc

from gui.garbage import GuiGarbageCollector


def test_collects_on_its_timer_and_freezes_once_ready(qtbot):
    ready, thresholds = [], gc.get_threshold()
    collector = GuiGarbageCollector(lambda: bool(ready))
    try:
        assert not gc.isenabled()  # nothing collects in another thread meanwhile
        collector.check()
        assert not collector.frozen and gc.get_freeze_count() == 0
        garbage = []
        garbage.append(garbage)  # a cycle: only the collector frees it
        gc.set_threshold(1, 1, 1)
        collector.thresholds = gc.get_threshold()
        for _ in range(3):
            collector.check()
        assert gc.get_count()[0] <= 1
        ready.append(True)
        collector.check()
        assert collector.frozen and gc.get_freeze_count() > 0
    finally:
        collector.stop()
        gc.unfreeze()
        gc.set_threshold(*thresholds)
    assert gc.isenabled()
