"""Sweeps: an Optuna study over a base config's settings, each trial a normal run in the run library.

A sweep has a folder (in the run library unless --out names one): sweep.json (the base config, the space, the
number of trials, the storage), the study's SQLite file study.db (the default storage) and one run folder per
trial, trial-0000, trial-0001, ... (`runs list` and the Runs browser list them: they look one level down). A
study on a database server (--storage postgresql://...) is shared by workers on many machines: each joins
with `main.py sweep --join URL`, reads the sweep's settings from the study itself and runs trials until the
study holds its number of trials. K local workers are K such processes (`--jobs K`), which on one machine
share its cores (each gets cores / K threads).

Each trial's objective is its run's best validation figure of the task's selection metric (maximised, or
minimised where lower is better); with pruning, a trial reports it after every epoch and is stopped when
Optuna's median pruner finds it worse than the median of earlier trials at that epoch. Torch is imported by a
trial only (the window reads studies without it).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from engine.errors import ConfigError, UserError

SETTINGS = "sweep.json"
DATABASE = "study.db"
INSTALL_HINT = "Sweeps use Optuna: pip install 'rnn-vision-lab[sweep]' (or pip install optuna)."


def need_optuna():
    try:
        import optuna
    except ImportError:
        raise ConfigError("Sweeps need the optuna package, which is not installed.", INSTALL_HINT) from None
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    return optuna


def default_storage(folder: Path) -> str:
    return f"sqlite:///{(Path(folder) / DATABASE).resolve()}"


def storage_of(url: str):
    """Optuna's storage for `url` (SQLite waits up to a minute for another worker's lock)."""
    optuna = need_optuna()
    kwargs = {"connect_args": {"timeout": 60}} if url.startswith("sqlite") else {"pool_pre_ping": True}
    try:
        return optuna.storages.RDBStorage(url, engine_kwargs=kwargs)
    except Exception as error:  # a bad URL, a server that does not answer, a missing driver
        raise ConfigError(f"Cannot open the sweep storage {url}: {type(error).__name__}: {error}",
                          "Give a database URL Optuna reads (sqlite:///FILE, postgresql://USER@HOST/DB, "
                          "mysql://...) that this machine can reach.") from None


def create(settings: dict, storage_url: str, name: str):
    """A new study holding the sweep's settings (base, space, trials, metric, direction, sampler, prune, folder)
    as user attributes, so a worker that joins needs nothing but the storage and the study's name."""
    optuna = need_optuna()
    study = optuna.create_study(study_name=name, storage=storage_of(storage_url), direction=settings["direction"])
    for key, value in settings.items():
        study.set_user_attr(key, value)
    return study


def open_study(storage_url: str, name: str | None = None):
    """The study `name` in the storage (the only one there when no name is given)."""
    optuna = need_optuna()
    storage = storage_of(storage_url)
    names = [s.study_name for s in optuna.study.get_all_study_summaries(storage, include_best_trial=False)]
    if name is None:
        if len(names) != 1:
            raise ConfigError(f"The storage {storage_url} holds {len(names)} studies ({', '.join(names)}).",
                              "Name the one to join with --study NAME.")
        name = names[0]
    elif name not in names:
        raise ConfigError(f"The storage {storage_url} has no study {name!r}; it has {', '.join(names) or 'none'}.",
                          "Give the name `sweep` printed when it started.")
    return optuna.load_study(study_name=name, storage=storage)


def sampler_for(settings: dict, worker: int):
    from engine.config import RunConfig
    from engine.sweep_space import grid, parse_space

    optuna = need_optuna()
    if settings["sampler"] == "grid":
        dims = parse_space(settings["space"], RunConfig.from_dict(settings["base"]))
        return optuna.samplers.GridSampler(grid(dims), seed=settings.get("seed", 0))
    return optuna.samplers.TPESampler(seed=settings.get("seed", 0) + 7919 * worker + os.getpid() % 7919)


def work(study, trials: int | None = None, worker: int = 0, threads: int = 0, say=None) -> int:
    """Run trials of `study` in this process: `trials` of them, or until the study holds its number of
    trials (None). Returns how many ran here."""
    from engine.sweep_trial import Objective

    optuna = need_optuna()
    settings = study.user_attrs
    target = int(settings["trials"])
    say = say or (lambda text: print(text, file=sys.stderr, flush=True))
    objective = Objective(settings, threads, say)
    study.sampler = sampler_for(settings, worker)
    if settings.get("prune"):
        study.pruner = optuna.pruners.MedianPruner(n_startup_trials=2, n_warmup_steps=1)
    ran = 0
    while trials is None or ran < trials:
        if trials is None and len(study.get_trials(deepcopy=False)) >= target:
            break
        before = len(study.get_trials(deepcopy=False))
        study.optimize(objective, n_trials=1, catch=(UserError,))
        ran += 1
        if len(study.get_trials(deepcopy=False)) == before:  # a grid search that has run every point
            break
    return ran


def cli_command(*args: str) -> tuple[list[str], dict]:
    """(argv, env) that run `main.py ARGS` with this Python, wherever the project is installed."""
    root = str(Path(__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)}
    code = "import sys; from engine.cli import main; sys.exit(main(sys.argv[1:]))"
    return [sys.executable, "-c", code, *map(str, args)], env


def start_workers(storage_url: str, name: str, jobs: int, threads: int) -> list[subprocess.Popen]:
    """`jobs` worker processes (`main.py sweep --join`), each running trials until the study holds its number
    (a worker that joins from elsewhere shares them)."""
    workers = []
    for worker in range(jobs):
        argv, env = cli_command("sweep", "--join", storage_url, "--study", name, "--threads", str(threads),
                                "--worker", str(worker))
        workers.append(subprocess.Popen(argv, env=env))
    return workers


def summary(study) -> dict:
    """What the sweep found: every trial (number, state, value, params, run folder, seconds) and the best."""
    settings = study.user_attrs
    rows = [trial_row(t) for t in study.get_trials(deepcopy=False)]
    done = [r for r in rows if r["state"] == "COMPLETE" and r["value"] is not None]
    lower = settings.get("direction") == "minimize"
    best = min(done, key=lambda r: r["value"]) if lower else max(done, key=lambda r: r["value"]) if done else None
    return {"sweep": settings.get("folder", ""), "study": study.study_name, "metric": settings.get("metric", ""),
            "direction": settings.get("direction", ""), "sampler": settings.get("sampler", ""),
            "trials": rows, "best": best, "finished": sum(r["state"] == "COMPLETE" for r in rows),
            "pruned": sum(r["state"] == "PRUNED" for r in rows), "failed": sum(r["state"] == "FAIL" for r in rows)}


def trial_row(trial) -> dict:
    start, end = trial.datetime_start, trial.datetime_complete
    return {"number": trial.number, "state": trial.state.name, "value": trial.value, "params": dict(trial.params),
            "run": trial.user_attrs.get("run", ""), "worker": trial.user_attrs.get("worker", ""),
            "test": trial.user_attrs.get("test", {}), "message": trial.user_attrs.get("message", ""),
            "seconds": (end - start).total_seconds() if start and end else None}


def wait_for(workers: list[subprocess.Popen], poll_s: float = 0.5) -> list[int]:
    """Wait for every worker; their exit codes."""
    while any(w.poll() is None for w in workers):
        time.sleep(poll_s)
    return [w.returncode for w in workers]


def write_settings(folder: Path, settings: dict) -> None:
    from engine.runs.folder import write_json

    write_json(Path(folder) / SETTINGS, settings)


def read_settings(folder: Path) -> dict:
    return json.loads((Path(folder) / SETTINGS).read_text(encoding="utf-8"))
