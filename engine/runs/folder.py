"""Where run folders live, how a new one is named, and run.json: written atomically, read with the writer's
liveness in mind (a "running" folder whose writer is gone reads as "interrupted")."""
from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path

from engine import __version__

CONFIG, RUN, METRICS, EVENTS, BEST, LAST, SNAPSHOTS = ("config.json", "run.json", "metrics.csv", "events.jsonl",
                                                     "model.ckpt", "last.ckpt", "snapshots")
RUNS_ENV = "RNN_VISION_LAB_RUNS"  # the runs folder, for tests and for users who keep runs elsewhere
APP_NAME = "rnn-vision-lab"
STATUSES = ("running", "finished", "stopped", "failed", "interrupted")
ENDINGS = {"done": "finished", "early_stop": "finished", "stopped": "stopped", "failed": "failed",
           "aborted": "interrupted", "interrupted": "interrupted"}  # interrupted: a data-parallel run lost a rank
# a writer on another host is trusted to be alive while it wrote run.json this recently (it does so at least
# every HEARTBEAT_S while it trains)
HEARTBEAT_S = 10.0
STALE_S = 300.0


def runs_home() -> Path:
    """The runs folder: $RNN_VISION_LAB_RUNS, else the platform's user data folder (platformdirs) + runs/."""
    if os.environ.get(RUNS_ENV):
        return Path(os.environ[RUNS_ENV]).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "runs"


def _names(home: Path, task: str, cell: str, when: float | None):
    """home/<date-time>_<task>_<cell>, then the same with -2, -3 ..."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(when if when is not None else time.time()))
    base = f"{stamp}_{_safe(task)}_{_safe(cell)}"
    yield Path(home) / base
    n = 2
    while True:
        yield Path(home) / f"{base}-{n}"
        n += 1


def proposed_run_dir(home: Path, task: str, cell: str, when: float | None = None) -> Path:
    """The name new_run_dir would give now, without making the folder (a dialog's suggestion)."""
    return next(path for path in _names(home, task, cell, when) if not path.exists())


def new_run_dir(home: Path, task: str, cell: str, when: float | None = None) -> Path:
    """A new, empty folder home/<date-time>_<task>_<cell>, with -2, -3 ... when that name is taken (two runs
    started in one second, by this process or another: the folder is made here, so no two get the same)."""
    Path(home).mkdir(parents=True, exist_ok=True)
    for path in _names(home, task, cell, when):
        try:
            path.mkdir()
            return path
        except FileExistsError:
            continue


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-." else "-" for c in str(text)) or "run"


def write_json(path: Path, data: dict) -> None:
    """`data` as JSON at `path`, whole or not at all (a temporary file renamed over it)."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temp, "w", encoding="utf-8") as file:
        json.dump(data, file, indent=1, sort_keys=True)
        file.flush()
        os.fsync(file.fileno())
    temp.replace(path)


def new_record(config: dict, device: str = "", planned: int = 0) -> dict:
    """run.json of a run starting now in this process."""
    now = time.time()
    return {"format": 1, "app_version": __version__, "task": config.get("task", ""), "cell": config.get("cell", ""),
            "status": "running", "device": device, "pid": os.getpid(), "host": socket.gethostname(),
            "started": now, "updated": now, "ended": None, "epochs_done": 0, "epochs_planned": planned,
            "best": {}, "metrics": {}, "name": "", "tags": [], "resumes": 0, "world_size": 1}


def read_record(folder: Path) -> dict | None:
    """run.json of `folder` with its status as it stands now (see live_status); None when it has none or
    it cannot be read (a run folder of an older version: config.json and metrics.csv only)."""
    try:
        record = json.loads((Path(folder) / RUN).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict):
        return None
    record["status"] = live_status(record)
    return record


def live_status(record: dict, now: float | None = None) -> str:
    """"running" only while its writer lives: on this host, while its pid runs; elsewhere, while it wrote
    run.json within STALE_S. Otherwise a "running" record was cut short: "interrupted"."""
    status = str(record.get("status", "interrupted"))
    if status != "running":
        return status if status in STATUSES else "interrupted"
    if record.get("host") == socket.gethostname():
        return "running" if pid_alive(int(record.get("pid", 0) or 0)) else "interrupted"
    updated = float(record.get("updated") or 0)
    return "running" if (now if now is not None else time.time()) - updated < STALE_S else "interrupted"


def pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, someone else's
        return True
    except OSError:
        return False
    return _not_zombie(pid)


def _not_zombie(pid: int) -> bool:
    """A killed child that its parent has not reaped yet still answers kill(0): its state says it is dead."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as file:
            return file.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return True  # no /proc (macOS, Windows): trust kill(0)
