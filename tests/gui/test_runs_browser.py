"""The Runs browser (issue 14, part 4): every run of the runs folder listed with its status, filtered and sorted,
kept current as runs appear and change; rename, tag, delete to the trash and undo; a comparison of several runs
(curves of comparable runs, seeds as mean ± std, the diff-only table exported and copied); the runs folder as a
setting that the session trains into. Run folders are written here as the engine writes them (run.json,
config.json, metrics.csv)."""
from __future__ import annotations

import csv
import json
import time
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QDockWidget, QMessageBox

from engine.runs import folder as runs
from window_helpers import open_window

DEAD_PID = 2 ** 22 + 4321


def make_run(home: Path, name: str, task="classify", cell="gru", status="finished", best=0.9, seed=0, done=2,
             planned=2, started=None, hidden=8) -> Path:
    folder = home / name
    folder.mkdir(parents=True)
    metric = "accuracy" if task == "classify" else "ods" if task == "edges" else "accuracy"
    config = {"task": task, "cell": cell, "seed": seed, "epochs": planned, "data": "demo", "hidden": hidden,
              "out": str(folder)}
    record = runs.new_record(config, planned=planned)
    record.update(status=status, epochs_done=done, started=started or time.time(),
                  best={"metric": metric, "value": best, "epoch": done},
                  metrics={f"val_{metric}": best, f"test_{metric}": best - 0.05} if status == "finished" else {})
    if status == "interrupted":
        record.update(status="running", pid=DEAD_PID)  # its writer is gone
    runs.write_json(folder / runs.CONFIG, config)
    runs.write_json(folder / runs.RUN, record)
    with open(folder / runs.METRICS, "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["epoch", "train_loss", "val_loss", f"val_{metric}"])
        for epoch in range(1, done + 1):
            writer.writerow([epoch, 1.0 / epoch + seed * 0.01, 1.2 / epoch + seed * 0.02, best * epoch / done])
    return folder


def library_at(window, qtbot, home: Path):
    library = window.library
    scans = library.scans
    library.set_folder(home)
    qtbot.waitUntil(lambda: library.scans > scans, timeout=10_000)
    return library


def statuses(browser) -> dict:
    return {Path(row["path"]).name: row["status"] for row in browser.model.rows}


def test_the_browser_lists_every_run_with_its_status_filtered_and_sorted(window, qtbot, tmp_path):
    home = tmp_path / "library"
    now = time.time()
    make_run(home, "a-gru", best=0.91, started=now - 300)
    make_run(home, "b-lstm", cell="lstm", best=0.95, started=now - 200, status="stopped", done=1)
    make_run(home, "c-gru", best=0.5, started=now - 100, status="interrupted", done=1)
    make_run(home, "d-edges", task="edges", best=0.7, started=now, status="running")  # this process: alive
    make_run(home / "20260101_compare_classify", "gru", best=0.8, started=now - 400)  # a comparison's run
    browser = library_at(window, qtbot, home).browser
    assert statuses(browser) == {"a-gru": "finished", "b-lstm": "stopped", "c-gru": "interrupted",
                                 "d-edges": "running", "gru": "finished"}
    assert [Path(p).name for p in browser.shown_paths()] == ["d-edges", "c-gru", "b-lstm", "a-gru", "gru"]  # newest
    row = browser.model.row_of(str(home / "a-gru"))
    assert row["best_text"] == "91.00% (epoch 2)" and row["test_text"] == "86.00%" and row["epochs_text"] == "2/2"
    browser.text.setText("lstm")
    assert [Path(p).name for p in browser.shown_paths()] == ["b-lstm"]
    browser.text.setText("")
    browser.status_combo.setCurrentIndex(browser.status_combo.findData("interrupted"))
    assert [Path(p).name for p in browser.shown_paths()] == ["c-gru"]
    browser.status_combo.setCurrentIndex(0)
    browser.task_combo.setCurrentIndex(browser.task_combo.findData("edges"))
    assert [Path(p).name for p in browser.shown_paths()] == ["d-edges"] and browser.count_label.text() == \
        "5 runs (1 shown)"
    browser.task_combo.setCurrentIndex(0)
    browser.table.sortByColumn(4, browser.table.horizontalHeader().sortIndicatorOrder().AscendingOrder)  # best
    assert [Path(p).name for p in browser.shown_paths()] == ["c-gru", "d-edges", "gru", "a-gru", "b-lstm"]
    browser.select([str(home / "d-edges")])
    assert not browser.buttons["delete"].isEnabled() and not browser.buttons["rename"].isEnabled()
    browser.select([str(home / "a-gru")])
    assert browser.buttons["resume"].text() == "Extend…" and browser.buttons["open"].isEnabled()


def test_the_browser_follows_runs_that_appear_and_change(window, qtbot, tmp_path):
    home = tmp_path / "library"
    make_run(home, "first")
    library = library_at(window, qtbot, home)
    window.findChild(QDockWidget, "Runs").raise_()  # shown: it looks again every few seconds
    qtbot.waitUntil(library.browser.isVisible, timeout=5000)
    make_run(home, "second", status="interrupted", done=1)
    qtbot.waitUntil(lambda: "second" in statuses(library.browser), timeout=10_000)
    record = json.loads((home / "second" / runs.RUN).read_text())
    record.update(status="finished", epochs_done=2)
    runs.write_json(home / "second" / runs.RUN, record)
    qtbot.waitUntil(lambda: statuses(library.browser).get("second") == "finished", timeout=10_000)
    assert library.browser.model.row_of(str(home / "second"))["epochs_text"] == "2/2"


def test_rename_tag_delete_and_undo(window, qtbot, tmp_path, monkeypatch):
    errors = []
    monkeypatch.setattr(window.dialogs, "error", lambda title, message, hint="": errors.append(message))
    home = tmp_path / "library"
    kept, other = make_run(home, "kept"), make_run(home, "other")
    busy = make_run(home, "busy", status="running")
    library = library_at(window, qtbot, home)
    assert library.edit(str(kept), "rename", "  my   best run ")
    assert library.edit(str(kept), "tags", "usps, baseline, , usps")
    record = json.loads((kept / runs.RUN).read_text())
    assert record["name"] == "my best run" and record["tags"] == ["usps", "baseline"] and record["status"] == \
        "finished"
    qtbot.waitUntil(lambda: library.browser.model.row_of(str(kept))["name_text"] == "my best run", timeout=5000)
    library.browser.text.setText("baseline")
    assert library.browser.shown_paths() == [str(kept)]
    library.browser.text.setText("")
    assert not library.edit(str(busy), "rename", "no") and "being trained" in errors[-1]

    assert library.delete([str(kept), str(other), str(busy)]) == [str(kept), str(other)]
    assert "cannot be deleted now" in errors[-1] and busy.is_dir()
    assert not kept.exists() and sorted(p.name for p in (home / ".trash").iterdir()) == ["kept", "other"]
    qtbot.waitUntil(lambda: set(statuses(library.browser)) == {"busy"}, timeout=5000)
    assert library.browser.buttons["undo"].isVisibleTo(library.browser)
    library.undo_delete()
    assert kept.is_dir() and other.is_dir() and not any((home / ".trash").iterdir())
    qtbot.waitUntil(lambda: set(statuses(library.browser)) == {"busy", "kept", "other"}, timeout=5000)
    assert json.loads((kept / runs.RUN).read_text())["name"] == "my best run"


def test_comparing_runs_overlays_comparable_curves_and_exports_the_table(window, qtbot, tmp_path):
    home = tmp_path / "library"
    seeds = [make_run(home, f"gru-{seed}", seed=seed, best=0.8 + seed / 100, done=3, planned=3) for seed in (0, 1)]
    lstm = make_run(home, "lstm", cell="lstm", best=0.9, done=3, planned=3)
    edges = make_run(home, "edges", task="edges", best=0.7)
    library = library_at(window, qtbot, home)
    library.compare([str(p) for p in (*seeds, lstm, edges)])
    dialog = library.comparison
    qtbot.waitUntil(lambda: dialog.data is not None, timeout=10_000)
    assert dialog.overlay.drawn_labels() == ["2 seeds", "lstm"]
    band = next(c for c in dialog.overlay.curves if c["label"] == "2 seeds")
    assert band["metric"][1] is not None and band["val_loss"][1][0] > 0  # mean ± std over the seeds
    assert "Left out of the curves" in dialog.note.text() and "edges" in dialog.note.text()
    header = [dialog.table.horizontalHeaderItem(c).text() for c in range(dialog.table.columnCount())]
    assert header[0] == "run" and {"cell", "task", "seed"} <= set(header) and "hidden" not in header  # differing
    cells = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
    assert cells == ["2 seeds", "lstm", "edges"]
    seeds_row = dict(zip(header, (dialog.table.item(0, c).text() for c in range(dialog.table.columnCount()))))
    assert seeds_row["val_accuracy"] == "0.805 ± 0.0071" and seeds_row["seed"] == ""  # mean ± std over the seeds
    dialog.export("csv", str(tmp_path / "table.csv"))
    dialog.export("markdown", str(tmp_path / "table.md"))
    rows = list(csv.reader(open(tmp_path / "table.csv", encoding="utf-8")))
    assert rows[0] == header and len(rows) == 4
    assert (tmp_path / "table.md").read_text(encoding="utf-8").startswith("| run |")
    dialog.copy()
    assert QApplication.clipboard().text() == (tmp_path / "table.md").read_text(encoding="utf-8")
    dialog.close()


def test_the_runs_folder_is_a_setting_the_session_trains_into(qtbot, tmp_path):
    settings_file = tmp_path / "settings.ini"
    first = open_window(qtbot, tmp_path)
    try:
        chosen = tmp_path / "my runs"
        make_run(chosen, "old")
        library_at(first, qtbot, chosen)
        assert first.session.runs_dir == chosen and statuses(first.library.browser) == {"old": "finished"}
    finally:
        first.close()
    settings = QSettings(str(settings_file), QSettings.Format.IniFormat)
    assert settings.value("runs/folder") == str(chosen)
    from gui.main_window import MainWindow

    later = MainWindow(settings)
    qtbot.addWidget(later)
    try:
        assert later.session.runs_dir == chosen
        qtbot.waitUntil(lambda: statuses(later.library.browser) == {"old": "finished"}, timeout=10_000)
    finally:
        later.close()


def test_a_run_of_an_unknown_task_is_refused_with_a_message(window, qtbot, tmp_path):
    folder = make_run(tmp_path / "library", "future", task="next-version-task")
    shown = window.runs.current
    window.library.open(str(folder))

    def box():
        return next((b for b in window.findChildren(QMessageBox) if b.objectName() == "error dialog"), None)

    qtbot.waitUntil(lambda: box() is not None, timeout=10_000)
    assert box().windowTitle() == "Cannot open the run future"
    assert "no run of a task this version knows" in box().text() and "Traceback" not in box().text()
    assert box().informativeText() and window.runs.current is shown
    box().close()
