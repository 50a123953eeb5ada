"""Reading run folders: one summary a run (for `runs list` and the window's Runs browser), one run in full
(`runs show`), and a comparison table of several (`runs compare`: the settings that differ, the metrics, runs
that differ only by their seed grouped as mean ± std). Reads run.json, config.json and metrics.csv only: a
thousand runs list in a moment, and nothing here needs torch."""
from __future__ import annotations

import csv
import json
import math
from pathlib import Path

from engine.runs import folder as runs

# settings that say nothing about what a run learned: never a reason to tell runs apart in a comparison
NOT_COMPARED = ("out", "threads", "device")


def is_run_folder(path: Path) -> bool:
    return (path / runs.RUN).is_file() or ((path / runs.CONFIG).is_file() and (path / runs.METRICS).is_file())


def find_runs(home: Path) -> list[Path]:
    """The run folders directly in `home` (and one level down: a comparison's folder of runs), newest first."""
    home = Path(home)
    if not home.is_dir():
        return []
    found = []
    for path in home.iterdir():
        if path.is_dir() and not path.name.startswith("."):
            if is_run_folder(path):
                found.append(path)
            else:
                found += [p for p in path.iterdir() if p.is_dir() and is_run_folder(p)]
    return sorted(found, key=lambda p: p.name, reverse=True)


def read_config(folder: Path) -> dict:
    try:
        data = json.loads((Path(folder) / runs.CONFIG).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def read_history(folder: Path) -> list[dict]:
    """metrics.csv's rows with numbers as floats ([] when it is missing or unreadable)."""
    try:
        with open(Path(folder) / runs.METRICS, newline="", encoding="utf-8") as file:
            return [{k: _number(v) for k, v in row.items()} for row in csv.DictReader(file)]
    except (OSError, csv.Error, UnicodeDecodeError):
        return []


def _number(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return text


def summary(folder: Path) -> dict:
    """One run as `runs list` prints it: path, task, cell, status, epochs done and planned, the best
    validation metric, the test metrics, dates, name and tags."""
    folder = Path(folder)
    record = runs.read_record(folder)
    if record is None:  # a folder of an older version: config.json + metrics.csv (+ model.ckpt)
        config, history = read_config(folder), read_history(folder)
        record = {"task": config.get("task", ""), "cell": config.get("cell", ""), "epochs_done": len(history),
                  "epochs_planned": config.get("epochs", 0), "metrics": {}, "best": {}, "name": "", "tags": [],
                  "status": "finished" if (folder / runs.BEST).is_file() else "interrupted", "started": None}
    metrics = record.get("metrics") or {}
    return {"path": str(folder), "name": record.get("name") or "", "tags": list(record.get("tags") or []),
            "task": record.get("task", ""), "cell": record.get("cell", ""), "status": record["status"],
            "epochs_done": int(record.get("epochs_done") or 0),
            "epochs_planned": int(record.get("epochs_planned") or 0),
            "best": record.get("best") or {}, "test": {k[5:]: v for k, v in metrics.items() if k.startswith("test_")},
            "started": record.get("started"), "ended": record.get("ended"), "device": record.get("device", ""),
            "host": record.get("host", ""), "pid": record.get("pid"), "resumes": int(record.get("resumes") or 0)}


def show(folder: Path) -> dict:
    """summary() plus the settings, the final metrics and the last metrics.csv row."""
    folder = Path(folder)
    if not is_run_folder(folder):
        from engine.errors import ConfigError

        raise ConfigError(f"{folder} is not a run folder (it has no run.json, nor config.json with metrics.csv).",
                          "Give a folder written by `main.py train` or the window (see `main.py runs list`).")
    history = read_history(folder)
    record = runs.read_record(folder) or {}
    return {**summary(folder), "config": read_config(folder), "metrics": record.get("metrics") or {},
            "last": history[-1] if history else {}, "progress": record.get("progress") or {}}


def compare(folders: list[Path]) -> dict:
    """{"keys": the settings that differ, "columns": the metrics, "rows": one per run or per group of runs that
    differ only by their seed (values "mean ± std" over the group, n = its size)}."""
    shown = [show(f) for f in folders]
    configs = [{k: v for k, v in s["config"].items() if k not in NOT_COMPARED} for s in shown]
    keys = sorted(k for k in set().union(*configs) if len({json.dumps(c.get(k), sort_keys=True) for c in configs}) > 1)
    columns = sorted({k for s in shown for k in s["metrics"] if k.startswith(("test_", "val_"))})
    groups: dict[str, list[int]] = {}
    for i, config in enumerate(configs):
        identity = json.dumps({k: config.get(k) for k in keys if k != "seed"}, sort_keys=True)
        groups.setdefault(identity, []).append(i)
    rows = []
    for members in groups.values():
        first = shown[members[0]]
        label = first["name"] or Path(first["path"]).name
        row = {"run": label if len(members) == 1 else f"{len(members)} seeds", "n": len(members),
               "paths": [shown[i]["path"] for i in members]}
        row.update({k: configs[members[0]].get(k) for k in keys if k != "seed" or len(members) == 1})
        for column in columns:
            values = [shown[i]["metrics"][column] for i in members if column in shown[i]["metrics"]]
            row[column] = _mean_std(values)
        rows.append(row)
    return {"keys": keys, "columns": columns, "rows": rows}


def _mean_std(values: list[float]):
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    mean = sum(values) / len(values)
    std = math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))
    return {"mean": mean, "std": std, "n": len(values)}


def table_cells(table: dict) -> tuple[list[str], list[list[str]]]:
    """The comparison as a header and rows of text (for CSV and markdown)."""
    header = ["run", *[k for k in table["keys"] if k != "seed" or any("seed" in r for r in table["rows"])],
              *table["columns"]]
    body = [[_cell(row.get(name)) for name in header] for row in table["rows"]]
    return header, body


def _cell(value) -> str:
    if isinstance(value, dict) and "mean" in value:
        return f"{value['mean']:.4g} ± {value['std']:.2g}"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True)
    return "" if value is None else str(value)


def markdown(table: dict) -> str:
    header, body = table_cells(table)
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in body]
    return "\n".join(lines) + "\n"


def write_csv(table: dict, path: Path) -> None:
    header, body = table_cells(table)
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        writer.writerows(body)
