"""`python main.py sweep`: an Optuna study over a base config (engine/sweep.py), and `sweep --join URL` for a worker
that joins one (from this machine or another). The last stdout line with --json is the sweep's summary: every
trial (number, state, value, params, run folder) and the best."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from engine.errors import ConfigError


def add_sweep_parser(sub, train_flags: dict) -> None:
    sweep = sub.add_parser(
        "sweep", help="an Optuna study over settings: each trial a run in the run library",
        description="Train trials of a base config (--config and the train flags) with values from a search space "
        "(--space: a JSON file or inline JSON, e.g. '{\"cell\": [\"lstm\", \"gru\"], \"lr\": {\"low\": 1e-4, "
        "\"high\": 1e-2, \"log\": true}}'), choosing on the validation split. --join URL adds a worker to a "
        "running sweep's study instead.")
    sweep.add_argument("--space", help="the search space: a JSON file or JSON text (see the README)")
    sweep.add_argument("--trials", type=int, default=None,
                       help="trials in the study (default 20); with --join: at most this many in this worker")
    sweep.add_argument("--jobs", type=int, default=1, help="local worker processes (default 1)")
    sweep.add_argument("--sampler", choices=("auto", "grid", "tpe"), default="auto",
                       help="grid (every combination of listed values) or tpe (Bayesian); auto: grid when every "
                       "setting is a list")
    sweep.add_argument("--prune", action="store_true",
                       help="stop trials whose validation figure falls below the median of earlier trials' at the "
                       "same epoch")
    sweep.add_argument("--storage", default=None,
                       help="the study's database URL (default: sqlite in the sweep's folder); a server URL "
                       "(postgresql://...) lets workers on other machines --join")
    sweep.add_argument("--name", default=None, help="the study's name (default: the sweep folder's name)")
    sweep.add_argument("--join", default=None, metavar="URL", help="join the study in this storage as a worker")
    sweep.add_argument("--study", default=None, help="with --join: the study's name (needed when there are several)")
    sweep.add_argument("--worker", type=int, default=None, help=argparse.SUPPRESS)
    sweep.add_argument("--config", help="the base config (JSON); the train flags override it")
    for name, (kind, text) in train_flags.items():
        if name == "out":
            text = "the sweep's folder (default: a new folder in the run library)"
        elif name == "threads":
            text = "torch CPU threads per trial (0 = the machine's cores shared between the --jobs workers)"
        sweep.add_argument("--" + name.replace("_", "-"), dest=name, type=kind, default=None, help=text)
    sweep.add_argument("--bidirectional", dest="bidirectional", action=argparse.BooleanOptionalAction, default=None)
    sweep.add_argument("--augment", dest="augment", action=argparse.BooleanOptionalAction, default=None)
    sweep.add_argument("--option", dest="options", action="append", default=None, metavar="KEY=VALUE",
                       help="a task option of the base config")
    sweep.add_argument("--json", action="store_true", help="print the summary as one JSON line last on stdout")
    sweep.set_defaults(run=cmd_sweep)


def cmd_sweep(args) -> int:
    from engine import sweep

    if args.join:
        study = sweep.open_study(args.join, args.study)
        sweep.work(study, args.trials, args.worker or 0, args.threads or 0)
        return _report(sweep.summary(study), args.json, quiet=args.worker is not None)
    if not args.space:
        raise ConfigError("A sweep needs --space (or --join URL to join one).",
                          'For example --space \'{"cell": ["lstm", "gru"], "hidden": [32, 64]}\'.')
    jobs = args.jobs
    if not 1 <= jobs <= 256:
        raise ConfigError(f"--jobs {jobs} is not a number of workers.", "Give 1 or more (a few per machine).")
    settings, folder = _new_sweep(args)
    storage = args.storage or sweep.default_storage(folder)
    settings["storage"] = storage if args.storage is None else "(given with --storage)"  # no password on disk
    name = args.name or folder.name
    sweep.write_settings(folder, settings)
    study = sweep.create(settings, storage, name)
    print(f"sweep {name}: {settings['trials']} trials ({settings['sampler']}), {jobs} worker(s), folder {folder}\n"
          f"join from elsewhere: main.py sweep --join '{storage if args.storage is None else 'URL'}' --study {name}",
          file=sys.stderr)
    threads = args.threads or max(1, (os.cpu_count() or 1) // jobs)
    if jobs == 1:
        sweep.work(study, None, 0, threads)
    else:
        codes = sweep.wait_for(sweep.start_workers(storage, name, jobs, threads))
        if any(codes):
            print(f"warning: worker exit codes {codes}", file=sys.stderr)
    return _report(sweep.summary(study), args.json)


def _new_sweep(args) -> tuple[dict, Path]:
    """The sweep's settings and its new folder (made), checked before any trial runs."""
    from engine.cli_flags import config_from_args
    from engine.runs.folder import new_run_dir, runs_home
    from engine.sweep import need_optuna
    from engine.sweep_space import grid_size, parse_space, read_space
    from engine.tasks import registry

    need_optuna()
    out, args.out = args.out, None
    base = config_from_args(args).replace(out="")
    raw = read_space(args.space)
    dims = parse_space(raw, base)
    size = grid_size(dims)
    sampler = ("grid" if size else "tpe") if args.sampler == "auto" else args.sampler
    if sampler == "grid":
        from engine.sweep_space import grid

        grid(dims)  # refused here when a setting is a range
    trials = args.trials if args.trials is not None else (size if sampler == "grid" else 20)
    if not 1 <= trials <= 100_000:
        raise ConfigError(f"--trials {trials} is not a number of trials.", "Give 1 or more.")
    if sampler == "grid":
        trials = min(trials, size)
    folder = Path(out).expanduser() if out else new_run_dir(runs_home(), "sweep", base.task)
    if folder.exists() and any(folder.iterdir()):
        raise ConfigError(f"The sweep folder {folder} is not empty.", "Give a new --out, or join that sweep with "
                          "--join.")
    folder.mkdir(parents=True, exist_ok=True)
    spec = registry.spec(base.task)
    return {"base": base.to_dict(), "space": raw, "trials": trials, "sampler": sampler, "prune": bool(args.prune),
            "metric": spec.selection_metric, "direction": "minimize" if spec.lower_is_better else "maximize",
            "folder": str(folder.resolve()), "seed": base.seed}, folder


def _report(summary: dict, as_json: bool, quiet: bool = False) -> int:
    if not quiet:
        best = summary["best"]
        text = (f"best: trial {best['number']}, val {summary['metric']} {best['value']:.4g}, "
                f"{json.dumps(best['params'])}, run {best['run']}") if best else "no trial finished"
        print(f"{summary['finished']} finished, {summary['pruned']} pruned, {summary['failed']} failed; {text}",
              file=sys.stderr)
    if as_json:
        print(json.dumps(summary, default=str))
    return 0 if summary["best"] or quiet else 2
