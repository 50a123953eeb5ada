"""How long the Runs browser takes to list a large run library, and whether the window stays responsive.

Writes N run folders as the engine writes them (run.json, config.json, metrics.csv; a mix of tasks, cells and
statuses) into a temporary runs folder, opens the main window (offscreen) and points its Runs browser there.
Prints one JSON line:
  runs                   N
  fill_s                 from choosing the folder to the table holding every run (read off the GUI thread)
  rescan_s               a second look at the unchanged folder (only the listing and a stat per run)
  gui_fill_ms            GUI-thread time to put the rows into the table (the rest runs on a worker thread)
  lateness_ms            p50 / p99 / max lateness of a 10 ms timer in the GUI thread while it filled
  sort_ms, filter_ms     sorting by the best figure, filtering by a word, on the GUI thread

Usage: QT_QPA_PLATFORM=offscreen python bench/runs_browser.py [--runs 1000]
Target (the issue): 1,000 runs listed without a visible pause (lateness max well under 100 ms).
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TASKS = (("classify", "gru", "accuracy"), ("classify", "lstm", "accuracy"), ("edges", "gru", "f1"),
         ("segment", "gru", "miou"), ("predict", "convlstm", "mse_per_frame"))
STATUSES = ("finished", "finished", "finished", "stopped", "failed", "interrupted")


def write_library(home: Path, count: int) -> None:
    from engine.runs import folder as runs

    start = time.time() - count * 60
    for i in range(count):
        task, cell, metric = TASKS[i % len(TASKS)]
        folder = runs.new_run_dir(home, task, cell, when=start + i * 60)
        folder.mkdir(parents=True)
        config = {"task": task, "cell": cell, "seed": i % 3, "epochs": 10, "hidden": 32, "data": "demo",
                  "out": str(folder)}
        record = runs.new_record(config, planned=10)
        status = STATUSES[i % len(STATUSES)]
        record.update(status=status if status != "interrupted" else "running", pid=2 ** 22 + i, started=start + i * 60,
                      epochs_done=10 if status == "finished" else 4, name=f"run {i}" if i % 7 == 0 else "",
                      best={"metric": metric, "value": 0.5 + (i % 50) / 100, "epoch": 4},
                      metrics={f"test_{metric}": 0.5 + (i % 40) / 100} if status == "finished" else {})
        runs.write_json(folder / runs.CONFIG, config)
        runs.write_json(folder / runs.RUN, record)
        with open(folder / runs.METRICS, "w", newline="") as file:
            writer = csv.writer(file)
            writer.writerow(["epoch", "train_loss", f"val_{metric}"])
            writer.writerows([e, 1 / e, 0.5] for e in range(1, 11))


def measure(home: Path, count: int) -> dict:
    from PySide6.QtCore import QElapsedTimer, QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from gui.main_window import MainWindow

    window = MainWindow(QSettings(str(home.parent / "settings.ini"), QSettings.Format.IniFormat))
    window.show()
    library = window.library
    lateness, clock = [], QElapsedTimer()
    tick = QTimer()
    tick.setInterval(10)

    def on_tick() -> None:
        lateness.append(max(0.0, clock.restart() - 10.0))

    tick.timeout.connect(on_tick)

    def wait(done) -> None:
        while not done():
            app.processEvents()
            time.sleep(0.001)

    gui_ms = []
    original = library.browser.set_rows

    def timed(rows) -> None:
        begun = time.perf_counter()
        original(rows)
        gui_ms.append((time.perf_counter() - begun) * 1000)

    library.browser.set_rows = timed
    wait(lambda: library.scans > 0)
    scans = library.scans
    clock.start()
    tick.start()
    begun = time.perf_counter()
    library.set_folder(home)
    wait(lambda: library.scans > scans and library.browser.model.rowCount() == count)
    fill_s = time.perf_counter() - begun
    tick.stop()
    scans, begun = library.scans, time.perf_counter()
    library.refresh()
    wait(lambda: library.scans > scans)
    rescan_s = time.perf_counter() - begun
    browser = library.browser
    begun = time.perf_counter()
    browser.table.sortByColumn(4, browser.table.horizontalHeader().sortIndicatorOrder().AscendingOrder)
    sort_ms = (time.perf_counter() - begun) * 1000
    begun = time.perf_counter()
    browser.text.setText("lstm")
    filter_ms = (time.perf_counter() - begun) * 1000
    shown = browser.proxy.rowCount()
    window.close()
    late = sorted(lateness) or [0.0]
    return {"runs": count, "fill_s": round(fill_s, 3), "rescan_s": round(rescan_s, 3),
            "gui_fill_ms": round(gui_ms[-2] if len(gui_ms) >= 2 else gui_ms[-1], 1),
            "lateness_ms": {"p50": round(statistics.median(late), 1),
                            "p99": round(late[min(len(late) - 1, int(len(late) * 0.99))], 1),
                            "max": round(late[-1], 1)},
            "sort_ms": round(sort_ms, 1), "filter_ms": round(filter_ms, 1), "lstm_rows_shown": shown}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        os.environ["RNN_VISION_LAB_RUNS"] = str(Path(temp) / "empty")  # the window starts on an empty library
        home = Path(temp) / "library"
        write_library(home, args.runs)
        print(json.dumps(measure(home, args.runs)))


if __name__ == "__main__":
    main()
