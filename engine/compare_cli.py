"""`python main.py compare`: RNN, LSTM and GRU (or any cells) trained one after another on the same data,
split and seed, then one HTML report. The last stdout line with --json is {cell: {params, seconds,
val_accuracy, test_accuracy, grad_ratio}}."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from engine import presets
from engine.cli_flags import config_from_args


def add_compare_parser(sub, train_flags: dict) -> None:
    compare = sub.add_parser("compare", help="train several cells on the same data and write a comparison report",
                             description="Train RNN, LSTM and GRU (by default) on the same data, split and seed, "
                             "one after another, and write report.html and compare.json into --out. Settings "
                             f"start from one layer, one direction, {presets.COMPARE_DEFAULTS['epochs']} epochs, "
                             "no augmentation; a --preset, a --config file and the flags override them.")
    compare.add_argument("--cells", default="rnn,lstm,gru",
                         help="comma-separated cells to compare (default rnn,lstm,gru)")
    compare.add_argument("--preset", choices=presets.names(), default=None,
                         help="; ".join(f"{name}: {p['title']}" for name, p in presets.PRESETS.items()))
    compare.add_argument("--config", help="a JSON config; flags override it")
    for name, (kind, text) in train_flags.items():
        if name != "cell":
            compare.add_argument("--" + name.replace("_", "-"), dest=name, type=kind, default=None, help=text)
    compare.set_defaults(cell=None, run=cmd_compare)
    compare.add_argument("--bidirectional", dest="bidirectional", action=argparse.BooleanOptionalAction, default=None)
    compare.add_argument("--augment", dest="augment", action=argparse.BooleanOptionalAction, default=None)
    compare.add_argument("--option", dest="options", action="append", default=None, metavar="KEY=VALUE",
                         help="a task option, e.g. --option gate_init=chrono (LSTM/GRU gates start open)")
    compare.add_argument("--json", action="store_true", help="print one JSON line last on stdout, keyed by cell")
    compare.add_argument("--overwrite", action="store_true",
                         help="replace an earlier comparison's report, compare.json and run folders in --out")


def cmd_compare(args) -> int:
    from engine.compare import Comparison, cell_runs, headline
    from engine.events import Started
    from engine.progress_bar import ProgressBar

    start = dict(presets.COMPARE_DEFAULTS, **(presets.get(args.preset) if args.preset else {}))
    out = args.out
    args.out = None  # each run gets its own folder under `out`
    base = config_from_args(args, base=start)
    if not out:  # a folder of the run library, one run per cell in it (the Runs browser lists them)
        from engine.runs.folder import new_run_dir, runs_home

        out = str(new_run_dir(runs_home(), "compare", base.task))
    if start.get("options"):  # --option adds to the preset's task options instead of replacing them
        base = base.replace(options={**start["options"], **base.options})
    runs = cell_runs(args.cells)
    names = [name for name, _ in runs]
    _check_folders(out, base.data, names, args.overwrite)
    bars = {}

    def on_event(name, event):
        if isinstance(event, Started):
            print(f"== {name.upper()} ({names.index(name) + 1}/{len(names)}) ==", file=sys.stderr)
        bars.setdefault(name, ProgressBar())(event)

    comparison = Comparison(base, runs, out, on_event).run()
    print(f"report: {comparison['report']}", file=sys.stderr)
    failed = [name for name, run in comparison["runs"].items() if run["reason"] == "failed"]
    if args.json:
        print(json.dumps(headline(comparison)))
    return 2 if failed and len(failed) == len(runs) else 0


def _check_folders(out: str, data: str, names: list[str], overwrite: bool) -> None:
    """The comparison's own files and each run's folder, checked before the first run starts."""
    from engine.output_plan import check_run_folder

    check_run_folder(out, data, overwrite, ("compare.json", "report.html"))
    for name in names:
        check_run_folder(Path(out) / name, data, overwrite)
