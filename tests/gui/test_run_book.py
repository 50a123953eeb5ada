"""The window's runs: each keeps what its views show; when runs may share an axis; old runs' pictures go."""
from __future__ import annotations

import numpy as np

from engine.events import Snapshot
from gui.run import KEEP_PICTURES, Run, RunBook


def norms(steps: int) -> Snapshot:
    return Snapshot("grad_norms", {"norms": np.ones(steps)}, {"step": 1})


def test_a_run_keeps_the_newest_probe_and_every_result():
    run = Run(1, {"task": "edges", "cell": "gru", "hidden": 4})
    first, newest = Snapshot("edge_map", {}, {"split": "train"}), Snapshot("edge_map", {}, {"split": "train"})
    result = Snapshot("edge_map", {}, {"split": "test"})
    for event in (first, result, newest, Snapshot("pr_curve", {}, {"split": "test"})):
        run.keep(event)
    assert run.live == {"edge_map": newest} and [e.kind for e in run.results] == ["edge_map", "pr_curve"]
    assert run.snapshots()[0] is newest and run.label == "run 1 · GRU h4"


def test_curves_over_time_steps_share_an_axis_only_when_the_steps_mean_the_same():
    rows = Run(1, {"task": "classify", "cell": "rnn", "read": "rows"})
    rows_too = Run(2, {"task": "classify", "cell": "gru", "read": "rows"})
    pixels = Run(3, {"task": "classify", "cell": "gru", "read": "pixels"})
    clips = Run(4, {"task": "video-classify", "cell": "gru"})
    assert rows.axes_match(rows_too) and not rows.axes_match(pixels) and not rows.axes_match(clips)
    assert clips.steps_are == "frames" and rows.steps_are == "rows"
    rows.keep(norms(16))
    assert rows.axes_match(rows_too)  # the other's length is not known yet
    rows_too.keep(norms(28))  # rows of other images
    assert not rows.axes_match(rows_too) and rows_too.steps_shown == 28


def test_only_the_last_runs_keep_their_pictures_and_every_run_its_curves():
    book, shown = RunBook(), []
    book.changed.connect(shown.append)
    for _ in range(KEEP_PICTURES + 2):
        run = book.begin({"task": "classify", "cell": "gru", "hidden": 8})
        run.keep(Snapshot("prediction", {}, {"split": "test"}))
        run.keep(norms(16))
        run.curve_points.append(("loss", "train", 1, 0.1, 2.0))
    assert shown == book.runs and book.current is book.runs[-1] and book.previous() is book.runs[-2]
    assert [bool(r.results) for r in book.runs] == [False, False] + [True] * KEEP_PICTURES
    assert all(r.curve_points and r.grad_norms is not None for r in book.runs)
    loaded = book.begin({"task": "classify", "cell": "lstm", "hidden": 8}, origin="loaded", checkpoint="m.ckpt")
    assert loaded.label.endswith("(loaded)") and loaded.number == KEEP_PICTURES + 3


def test_a_resumed_run_goes_on_from_its_resume_point():
    """A run stopped in epoch 3 (its resume point: the end of epoch 2) and resumed: the points it trained after
    that point and its test points make way for the new ones, its results for the new results."""
    from engine.events import Finished, Metrics, Started

    run = Run(1, {"task": "classify", "cell": "gru", "epochs": 3})
    run.start(Started({"task": "classify", "cell": "gru", "epochs": 3}, "cpu", 10, 40, 10, 10, 10))
    for step in range(5, 26, 5):  # train points up to step 25 (epoch 2.5), validation at the ends of epochs 1, 2
        run.add_metrics(Metrics("train", 1 + (step - 1) // 10, step, {"loss": 1.0, "accuracy": 0.5}))
        if step % 10 == 0:
            run.add_metrics(Metrics("val", step // 10, step, {"loss": 1.0}))
    run.add_metrics(Metrics("test", 2, 25, {"loss": 1.0, "accuracy": 0.5}))
    run.keep(Snapshot("prediction", {}, {"split": "test"}))
    run.finished = Finished("stopped", {}, "", 1.0, 1.0)
    assert [p[3] for p in run.curve_points if p[:2] == ("loss", "train")] == [0.5, 1.0, 1.5, 2.0, 2.5]

    run.start(Started({"task": "classify", "cell": "gru", "epochs": 4}, "cpu", 10, 40, 10, 10, 10))
    assert run.config["epochs"] == 4 and run.finished is None and not run.results
    assert not [p for p in run.curve_points if p[1] == "test"]
    run.add_metrics(Metrics("train", 3, 25, {"loss": 0.9}))  # epoch 3 again, from its start
    assert [p[2] for p in run.curve_points if p[:2] == ("loss", "train")] == [5, 10, 15, 20, 25]
    assert run.curve_points[-1][4] == 0.9 and [p[2] for p in run.curve_points if p[1] == "val"] == [10, 20]
    run.add_metrics(Metrics("train", 3, 30, {"loss": 0.8}))  # the cut is made once
    assert [p[2] for p in run.curve_points if p[:2] == ("loss", "train")] == [5, 10, 15, 20, 25, 30]


def test_the_book_shows_runs_it_has_and_keeps_the_pictures_of_runs_still_fed():
    book = RunBook()
    fed = book.begin({"task": "classify", "cell": "gru"}, folder="/runs/a")
    fed.keep(Snapshot("prediction", {}, {"split": "test"}))
    book.fed.append(fed)
    for _ in range(KEEP_PICTURES + 1):
        book.add(Run(0, {"task": "classify", "cell": "lstm"}))
    assert fed.results and book.current.number == KEEP_PICTURES + 2  # numbered as it joins
    assert book.find("/runs/a") is fed and book.find("/runs/b") is None and book.find("") is None
    before = book.current
    book.show(fed)
    assert book.current is fed and book.previous() is before
