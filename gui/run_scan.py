"""The Runs browser's rows, read from the run library off the GUI thread (engine/runs/catalog.py).

A scan lists the run folders (one directory listing and a stat or two each) and reads run.json only where it
changed since the last scan, or where the run was running (its status turns "interrupted" when its writer dies,
without the file changing). So the browser can look again every few seconds at a thousand runs for the price of
listing them.
"""
from __future__ import annotations

import time
from pathlib import Path

from engine.runs import catalog
from engine.runs import folder as runs
from engine.tasks import registry  # torch-free
from gui import metric_names


def stamp(folder: Path) -> tuple:
    """What changes when a run folder's summary may have changed: run.json's (or, for an older folder,
    metrics.csv's and model.ckpt's) size and time."""
    stamps = []
    for name in (runs.RUN,) if (folder / runs.RUN).is_file() else (runs.METRICS, runs.BEST):
        try:
            info = (folder / name).stat()
            stamps.append((info.st_mtime_ns, info.st_size))
        except OSError:
            stamps.append(None)
    return tuple(stamps)


def scan(home: Path, cache: dict) -> tuple[list[dict], dict]:
    """(rows of every run in `home`, the cache for the next scan): cache maps a path to (stamp, row)."""
    rows, kept = [], {}
    for folder in catalog.find_runs(Path(home)):
        path = str(folder)
        now = stamp(folder)
        old = cache.get(path)
        if old is not None and old[0] == now and old[1]["status"] != "running":
            row = old[1]
        else:
            row = row_of(catalog.summary(folder))
        kept[path] = (now, row)
        rows.append(row)
    return rows, kept


def _figure(metric: str, value, task: str) -> str:
    if not isinstance(value, (int, float)):
        return ""
    if task not in registry.names():  # a task of another version
        return f"{value:.4g}"
    return metric_names.shown(metric, float(value), task)



def _selection_metric(task: str) -> str:
    return registry.spec(task).selection_metric if task in registry.names() else ""


def row_of(item: dict) -> dict:
    """catalog.summary(folder) as the table's row (gui/views/runs_table.py)."""
    task, best, test = item["task"], item["best"] or {}, item["test"] or {}
    metric = best.get("metric") or _selection_metric(task)
    folder = Path(item["path"]).name
    best_value = best.get("value")
    best_text = _figure(metric, best_value, task)
    if best_text and best.get("epoch") is not None:
        best_text += f" (epoch {best['epoch']})"
    test_value = test.get(metric)
    started = item.get("started")
    date = time.strftime("%Y-%m-%d %H:%M", time.localtime(started)) if started else ""
    tags = ", ".join(item.get("tags") or [])
    name = item.get("name") or ""
    tip = "\n".join(part for part in (item["path"], f"tags: {tags}" if tags else "", f"best: {metric}" if metric
                                      else "", f"device: {item['device']}" if item.get("device") else "") if part)
    return {"path": item["path"], "folder": folder, "status": item["status"], "name": name,
            "name_text": name or folder, "task": task, "cell": item["cell"], "tags": list(item.get("tags") or []),
            "metric": metric, "best": best_value if isinstance(best_value, (int, float)) else None,
            "best_text": best_text, "test": test_value if isinstance(test_value, (int, float)) else None,
            "test_text": _figure(metric, test_value, task), "epochs_done": item["epochs_done"],
            "epochs_planned": item["epochs_planned"],
            "epochs_text": f"{item['epochs_done']}/{item['epochs_planned']}", "started": started or 0.0,
            "date_text": date, "pid": item.get("pid"), "host": item.get("host", ""), "tip": tip,
            "search": " ".join([name, folder, task, item["cell"], item["status"], tags]).lower()}
