"""The train flags and how they become a RunConfig: shared by `train` (engine.cli) and `compare`
(engine.compare_cli), so neither command module imports the other."""
from __future__ import annotations

import argparse

from engine.config import CELLS, OPTIMIZERS, READ_ORDERS, SCHEDULES, RunConfig, option_value
from engine.errors import ConfigError
from engine.tasks import registry  # torch-free: the tasks' names, data kinds and options


def train_flags() -> dict[str, tuple[type, str]]:
    """{name: (type, help)} of the flags that map one to one onto RunConfig fields (None means "not given",
    so --config values survive); made when asked, so the help names every task registered by then (a task
    package registered after import included)."""
    return {
        "task": (str, f"task name: {', '.join(registry.names())} (default {RunConfig.task})"),
        "data": (str, "data spec KIND:PATH; " + "; ".join(f"for {spec.name} {', '.join(spec.data_kinds)}"
                                                         for spec in registry.specs())),
        "cell": (str, f"recurrent cell: {', '.join(CELLS)}"), "hidden": (int, "hidden units per layer"),
        "layers": (int, "stacked recurrent layers"), "dropout": (float, "dropout between layers and before the head"),
        "read": (str, f"how an image becomes a sequence: {', '.join(READ_ORDERS)}"),
        "epochs": (int, "passes over the training data"), "batch": (int, "samples per step"),
        "lr": (float, "learning rate"), "optimizer": (str, f"one of {', '.join(OPTIMIZERS)}"),
        "weight_decay": (float, "L2 weight decay"), "clip": (float, "max gradient norm (0 = off)"),
        "schedule": (str, f"learning-rate schedule: {', '.join(SCHEDULES)}"),
        "patience": (int, "early stopping after this many epochs without a better validation score (0 = off)"),
        "val_fraction": (float, "fraction of the training data held out for validation"),
        "seed": (int, "random seed (a CPU run repeats exactly)"), "device": (str, "auto, cpu, cuda, cuda:N or mps"),
        "threads": (int, "torch CPU threads (0 = automatic: the cores less one; more are capped at the cores)"),
        "out": (str, "run folder: model.ckpt, config.json, metrics.csv"),
    }


def option_flags() -> dict[str, tuple[type, str]]:
    """{name: (type, help)} of the task options the specs offer as flags (--target, --context, ...)."""
    flags: dict[str, tuple[type, list[str]]] = {}
    for spec in registry.specs():
        for option in spec.flags:
            default = f" (default {option.default})" if option.default not in ("", None) else ""
            kind, texts = flags.get(option.name, (option.type, []))
            flags[option.name] = (kind, texts + [f"{spec.name} task: {option.help}{default}"])
    return {name: (kind if kind in (int, float) else str, "; ".join(texts)) for name, (kind, texts) in flags.items()}


def config_from_args(args: argparse.Namespace, base: dict | None = None) -> RunConfig:
    """Settings from, lowest first: the task's defaults, `base` (e.g. a preset), --config, the flags."""
    values = RunConfig.load(args.config).to_dict() if args.config else {}
    for name in [*train_flags(), "bidirectional", "augment"]:
        value = getattr(args, name)
        if value is not None:
            values[name] = value
    options = dict(values.get("options") or {})
    for item in args.options or []:
        key, sep, text = item.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"Bad --option {item!r}.", "Write --option KEY=VALUE, e.g. --option scale=0.5.")
        options[key.strip()] = option_value(text.strip())  # a number, true / false, JSON, or the text
    for name in option_flags():
        if getattr(args, name, None) is not None:
            options[name] = getattr(args, name)
    if options:
        values["options"] = options
    # the task's starting values (no torch), under the file and the flags
    return RunConfig.from_dict({**registry.defaults(values.get("task", RunConfig.task)), **(base or {}), **values})
