"""`python main.py runs list|show|compare` (engine/runs/catalog.py) and what `train --resume RUN_DIR` and a
train without --out need (engine/runs/folder.py): the run library from the command line. Never imports torch
for runs."""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from engine.errors import ConfigError


def add_runs_parser(sub) -> None:
    runs = sub.add_parser("runs", help="list, show and compare run folders (the run library)")
    verbs = runs.add_subparsers(dest="verb", required=True)
    listing = verbs.add_parser("list", help="every run in the runs folder, newest first")
    listing.add_argument("--dir", default=None, help="the runs folder (default: the run library's)")
    listing.add_argument("--json", action="store_true", help="one JSON object per run")
    show = verbs.add_parser("show", help="one run: status, epochs, metrics, its last metrics line")
    show.add_argument("folder", metavar="RUN_DIR")
    show.add_argument("--json", action="store_true")
    compare = verbs.add_parser("compare", help="a table of runs: the settings that differ and the metrics")
    compare.add_argument("folders", nargs="+", metavar="RUN_DIR")
    out = compare.add_mutually_exclusive_group()
    out.add_argument("--csv", default=None, help="write the table as CSV here")
    out.add_argument("--markdown", default=None, help="write the table as markdown here")
    runs.set_defaults(run=cmd_runs)


def cmd_runs(args) -> int:
    from engine.runs import catalog, folder

    if args.verb == "list":
        home = Path(args.dir).expanduser() if args.dir else folder.runs_home()
        for path in catalog.find_runs(home):
            item = catalog.summary(path)
            print(json.dumps(item) if args.json else _line(item))
        return 0
    if args.verb == "show":
        item = catalog.show(Path(args.folder))
        print(json.dumps(item) if args.json else "\n".join(_details(item)))
        return 0
    for run in args.folders:
        if not catalog.is_run_folder(Path(run)):
            raise ConfigError(f"{run} is not a run folder.", "Give folders listed by `main.py runs list`.")
    table = catalog.compare([Path(r) for r in args.folders])
    if args.csv:
        _refuse_existing(args.csv)
        catalog.write_csv(table, Path(args.csv))
        print(f"wrote {args.csv}", file=sys.stderr)
    elif args.markdown:
        _refuse_existing(args.markdown)
        Path(args.markdown).write_text(catalog.markdown(table), encoding="utf-8")
        print(f"wrote {args.markdown}", file=sys.stderr)
    else:
        sys.stdout.write(catalog.markdown(table))
    return 0


def _refuse_existing(path: str) -> None:
    if Path(path).exists():
        raise ConfigError(f"{path} already exists; it is left as it is.", "Give a new file name.")


def _line(item: dict) -> str:
    best = item["best"]
    score = f"{best.get('metric', '')} {best['value']:.4g} (epoch {best.get('epoch')})" if best.get("value") \
        is not None else "-"
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(item["started"])) if item.get("started") else ""
    return (f"{item['status']:<11} {item['task']:<14} {item['cell']:<8} {item['epochs_done']:>3}/"
            f"{item['epochs_planned']:<3} {score:<28} {when}  {item['path']}")


def _details(item: dict) -> list[str]:
    lines = [f"{k}: {item[k]}" for k in ("path", "name", "task", "cell", "status", "device", "host", "resumes")]
    lines.append(f"epochs: {item['epochs_done']} of {item['epochs_planned']}")
    if item["best"]:
        lines.append(f"best: {json.dumps(item['best'])}")
    if item["metrics"]:
        lines.append("metrics: " + ", ".join(f"{k} {v:.4g}" for k, v in item["metrics"].items()))
    if item["last"]:
        lines.append("last epoch: " + ", ".join(f"{k} {v:.4g}" if isinstance(v, float) else f"{k} {v}"
                                                for k, v in item["last"].items()))
    return lines


def resume_config(args: argparse.Namespace):
    """The RunConfig of `train --resume RUN_DIR`: the run's own settings, with --epochs, --threads, --device
    (and nothing else) taken from the flags; refused while the run is still being written."""
    from engine.config import RunConfig
    from engine.runs import catalog, folder

    run = Path(args.resume).expanduser()
    if not (run / folder.CONFIG).is_file():
        raise ConfigError(f"{run} is not a run folder (it has no {folder.CONFIG}).",
                          "Give a run folder (see `main.py runs list`).")
    record = folder.read_record(run) or {}
    if record.get("status") == "running":
        raise ConfigError(f"{run} is still being trained (pid {record.get('pid')} on {record.get('host')}).",
                          "Wait for it to end or stop it first; a run has one writer.")
    values = catalog.read_config(run)
    for name in ("epochs", "threads", "device"):
        if getattr(args, name, None) is not None:
            values[name] = getattr(args, name)
    config = RunConfig.from_dict({**values, "out": str(run)})
    done = int(record.get("epochs_done") or 0)
    if record.get("status") == "finished" and config.epochs <= done:
        raise ConfigError(f"{run} has finished all its {done} epochs.",
                          f"Give --epochs with more than {done} to extend it.")
    return config


def default_out(config):
    """A new folder in the run library for a run given no --out."""
    from engine.runs import folder

    return str(folder.new_run_dir(folder.runs_home(), config.task, config.cell))
