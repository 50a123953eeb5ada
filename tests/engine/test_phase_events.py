"""Phase events (engine/train_handlers/phases.py): a run says what it is doing (training, validating,
stopping, testing, results) with counted progress, and the user can skip the test of the best weights."""
import pytest

from engine.events import Finished, Metrics, Phase
from engine.tasks.progress import batch_starts, each_item
from engine.train_handlers.phases import takes_progress
from engine.training import Trainer

THROTTLES = dict(progress_every_s=0.0, snapshot_every_s=1e9)


def phases(events) -> list[Phase]:
    return [e for e in events if isinstance(e, Phase)]


def test_batch_starts_tells_progress_before_each_batch_and_after_the_last():
    told = []
    starts = list(batch_starts(10, 4, lambda done, total, detail: told.append((done, total, detail)), "x"))
    assert starts == [0, 4, 8]
    assert told == [(0, 3, "x"), (1, 3, "x"), (2, 3, "x"), (3, 3, "x")]
    assert list(batch_starts(5, 2)) == [0, 2, 4]  # no progress: a plain range
    assert list(each_item(["a", "b"], None)) == ["a", "b"]


def test_takes_progress_reads_the_signature():
    assert takes_progress(lambda model, data, device, batch, progress=None: None)
    assert takes_progress(lambda model, data, device, batch, **kw: None)
    assert not takes_progress(lambda model, data, device, batch: None)  # a task from outside the project


def test_a_run_goes_through_its_phases_in_order(make_config):
    events = []
    Trainer(make_config(epochs=2), events.append, **THROTTLES).run()
    names = [p.name for p in phases(events)]
    # each epoch trains then validates; the end tests the best weights and makes the pictures
    collapsed = [n for i, n in enumerate(names) if i == 0 or names[i - 1] != n]
    assert collapsed == ["training", "validating", "training", "validating", "testing", "results"]
    testing = [p for p in phases(events) if p.name == "testing"]
    assert testing[-1].total > 0 and testing[-1].done == testing[-1].total  # counted to the end
    assert all(0 <= p.done <= p.total for p in testing)


def test_stop_says_stopping_then_tests(make_config):
    events = []
    trainer = None

    def on_event(event):
        events.append(event)
        if isinstance(event, Metrics) and event.split == "train" and event.epoch == 2:
            trainer.stop()

    trainer = Trainer(make_config(epochs=5), on_event, **THROTTLES)
    result = trainer.run()
    names = [p.name for p in phases(events)]
    assert result["reason"] == "stopped"
    assert "stopping" in names and names.index("stopping") < names.index("testing")
    assert any(isinstance(e, Metrics) and e.split == "test" for e in events)  # a stopped run is still tested


@pytest.mark.parametrize("when", ["before", "during"])
def test_skip_test_ends_with_the_checkpoint_and_no_test_figures(make_config, tmp_path, when):
    events = []
    trainer = None

    def on_event(event):
        events.append(event)
        if when == "before" and isinstance(event, Metrics) and event.split == "val" and event.epoch == 1:
            trainer.skip_test()
            trainer.stop()
        if when == "during" and isinstance(event, Phase) and event.name == "testing":
            trainer.skip_test()

    trainer = Trainer(make_config(epochs=2, out=str(tmp_path)), on_event, **THROTTLES)
    result = trainer.run()
    finished = events[-1]
    assert isinstance(finished, Finished) and finished.test_skipped and result["test_skipped"]
    assert not any(isinstance(e, Metrics) and e.split == "test" for e in events)
    assert not any(key.startswith("test_") for key in finished.metrics)
    assert finished.checkpoint and (tmp_path / "model.ckpt").exists()  # the best weights are kept


def test_a_run_without_skip_is_not_marked_skipped(make_config):
    events = []
    result = Trainer(make_config(epochs=1), events.append, **THROTTLES).run()
    assert not result["test_skipped"] and not events[-1].test_skipped
    assert "test_accuracy" in events[-1].metrics


def test_the_command_lines_bar_says_it_is_testing():
    import io

    from engine.progress_bar import ProgressBar

    stream = io.StringIO()
    bar = ProgressBar(stream)
    for done in range(0, 4):
        bar(Phase("testing", done, 3, "edge maps"))
    bar(Phase("testing", 0, 2, "recurrent benchmark"))
    lines = stream.getvalue().splitlines()  # not a terminal: one line a part of the test
    assert lines == ["testing the best weights: edge maps 0/3", "testing the best weights: recurrent benchmark 0/2"]
