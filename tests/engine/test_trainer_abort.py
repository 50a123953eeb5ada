"""Trainer.abort() from another thread: the run ends within moments in every phase (data preparation,
training, validation, test evaluation, the edges benchmark, gradient measurement, probes, the end-of-run
pictures), and after abort() returns nothing more is written to the run folder and no event but the
final Finished("aborted") is sent.

Each phase is made long on purpose (the phase's own function repeated for minutes), so a Trainer that did
not stop would fail the time limit by far."""
import threading
import time

import pytest

from engine.config import RunConfig
from engine.data.loading import check_cancel
from engine.edges import evaluate as edge_evaluate
from engine.events import Finished, Metrics
from engine.tasks.classify.task import TASK as CLASSIFY
from engine.training import Trainer
from tiny_edges import write_pairs

LIMIT_S = 2.0  # how soon after abort() run() must have returned
REPEATS = 100_000  # a phase repeated this often runs for minutes


def folder_contents(out):
    return {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()} if out.exists() else {}


def start(config):
    events = []
    trainer = Trainer(config, events.append)
    box = {}
    thread = threading.Thread(target=lambda: box.update(result=trainer.run()), daemon=True)
    thread.start()
    return trainer, thread, events, box


def abort_and_time(trainer, thread, events, out):
    """abort(), then: seconds until run() returned, events sent after abort() returned, files changed since."""
    trainer.abort()
    aborted_at, sent, files = time.perf_counter(), len(events), folder_contents(out)
    thread.join(LIMIT_S + 5)
    assert not thread.is_alive(), "run() was still going 7 s after abort()"
    return time.perf_counter() - aborted_at, events[sent:], files != folder_contents(out)


def assert_aborted(box, trainer, seconds, later_events, changed):
    assert seconds < LIMIT_S, f"run() returned {seconds:.2f} s after abort()"
    assert box["result"]["reason"] == "aborted"
    assert [type(e) for e in later_events] == [Finished] and later_events[0].reason == "aborted"
    assert not changed, "the run folder changed after abort() returned"
    if trainer.model is not None:  # the abort hooks are gone: the model works as any other afterwards
        assert all(not module._forward_pre_hooks for module in trainer.model.modules())


def repeating(real, reached: threading.Event, on_call: int = 1):
    """`real`, except that its `on_call`-th call sets `reached` and then repeats itself REPEATS times."""
    calls = []

    def wrapper(*args, **kwargs):
        calls.append(1)
        result = real(*args, **kwargs)
        if len(calls) == on_call:
            reached.set()
            for _ in range(REPEATS):
                result = real(*args, **kwargs)
        return result
    return wrapper


# (what the phase is, the task method made long, which call of it, config changes)
PHASES = [
    ("validation", "evaluate", 1, {}),
    ("test evaluation", "evaluate", 3, {"epochs": 2}),  # calls 1 and 2 validate epochs 1 and 2
    ("gradient measurement", "grad_norms", 2, {}),
    ("probe", "probe", 2, {}),
    ("end-of-run pictures", "model_snapshots", 1, {}),
]


@pytest.mark.parametrize("phase,method,on_call,changes", PHASES, ids=[p[0] for p in PHASES])
def test_abort_in_a_phase(make_config, tmp_path, monkeypatch, phase, method, on_call, changes):
    reached = threading.Event()
    monkeypatch.setattr(CLASSIFY, method, repeating(getattr(CLASSIFY, method), reached, on_call))
    out = tmp_path / "run"
    trainer, thread, events, box = start(make_config(out=str(out), **{"epochs": 1, **changes}))
    assert reached.wait(60), f"the run never reached its {phase}"
    assert_aborted(box, trainer, *abort_and_time(trainer, thread, events, out))


def test_abort_while_training(make_config, tmp_path):
    out = tmp_path / "run"
    trainer, thread, events, box = start(make_config(epochs=100_000, out=str(out)))
    deadline = time.time() + 60
    while not any(isinstance(e, Metrics) and e.split == "val" and e.epoch >= 2 for e in list(events)):
        assert time.time() < deadline and thread.is_alive()
        time.sleep(0.01)
    assert_aborted(box, trainer, *abort_and_time(trainer, thread, events, out))
    assert (out / "model.ckpt").exists()  # what was written before abort() stays


def test_abort_while_paused(make_config, tmp_path):
    out = tmp_path / "run"
    trainer, thread, events, box = start(make_config(epochs=100_000, out=str(out)))
    while not any(isinstance(e, Metrics) for e in list(events)):
        time.sleep(0.01)
    trainer.pause()
    time.sleep(0.3)
    assert thread.is_alive() and trainer.paused
    assert_aborted(box, trainer, *abort_and_time(trainer, thread, events, out))


def test_abort_while_the_data_is_prepared(make_config, tmp_path, monkeypatch):
    reached = threading.Event()
    real_prepare = CLASSIFY.prepare

    def slow_prepare(config, progress=None, cancel=None, splits=None):  # a big folder that honours cancel
        reached.set()
        for _ in range(REPEATS):
            check_cancel(cancel)
            time.sleep(0.01)
        return real_prepare(config, progress, cancel, splits)

    monkeypatch.setattr(CLASSIFY, "prepare", slow_prepare)
    out = tmp_path / "run"
    trainer, thread, events, box = start(make_config(out=str(out)))
    assert reached.wait(60)
    assert_aborted(box, trainer, *abort_and_time(trainer, thread, events, out))
    # the folder was made, checked and marked as a run (so a kill now leaves a run that resumes); no more
    assert set(folder_contents(out)) == {"config.json", "run.json"}


def test_abort_before_the_run_starts_writes_nothing(make_config, tmp_path):
    out = tmp_path / "run"
    events = []
    trainer = Trainer(make_config(out=str(out)), events.append)
    trainer.abort()
    result = trainer.run()
    assert result["reason"] == "aborted" and not out.exists()
    assert [type(e) for e in events] == [Finished] and events[0].reason == "aborted"


def test_abort_from_inside_an_event_handler(make_config, tmp_path):
    """The window may call abort() from code that runs on an event: no deadlock, the run ends there."""
    events = []
    box = {}

    def on_event(event):
        events.append(event)
        if isinstance(event, Metrics) and event.split == "train":
            box["trainer"].abort()

    box["trainer"] = Trainer(make_config(epochs=1000, out=str(tmp_path / "run")), on_event)
    started = time.perf_counter()
    result = box["trainer"].run()
    assert result["reason"] == "aborted" and time.perf_counter() - started < 20
    first_train = next(i for i, e in enumerate(events) if isinstance(e, Metrics))
    assert [type(e) for e in events[first_train + 1:]] == [Finished]


@pytest.fixture(scope="module")
def rectangles(tmp_path_factory):
    images, edges = write_pairs(tmp_path_factory.mktemp("rects"), n=16)
    return f"pairs:{images},{edges}?test=0.25"


def test_abort_during_the_edges_benchmark(rectangles, tmp_path, monkeypatch):
    """The benchmark never calls the model: it scores map after map in NumPy. Made slow per image here."""
    monkeypatch.setenv("RNN_VISION_LAB_CACHE", str(tmp_path / "cache"))
    reached = threading.Event()
    real_one_image = edge_evaluate._one_image

    def slow_one_image(job):
        reached.set()
        time.sleep(0.5)  # 4 test images, then 4 for Canny and 4 for Sobel: 6 s when nothing stops it
        return real_one_image(job)

    monkeypatch.setattr(edge_evaluate, "_one_image", slow_one_image)
    out = tmp_path / "run"
    config = RunConfig(task="edges", data=rectangles, cell="gru", hidden=4, layers=1, epochs=1, batch=4,
                       val_fraction=0.25, device="cpu", threads=1, augment=False, out=str(out),
                       options={"scale": 1.0, "width": 4, "bench_thresholds": 5})
    trainer, thread, events, box = start(config)
    assert reached.wait(60)
    assert_aborted(box, trainer, *abort_and_time(trainer, thread, events, out))
    assert not any(isinstance(e, Metrics) and e.split == "test" for e in events)
