"""`python main.py train|evaluate|predict`: the engine without a window (never imports Qt)."""
from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from engine.config import CELLS, OPTIMIZERS, READ_ORDERS, SCHEDULES, RunConfig
from engine.errors import UserError

# flags that map one to one onto RunConfig fields; None means "not given" so --config values survive
_TRAIN_FLAGS = {
    "task": (str, "task name (classify)"), "data": (str, "data spec: demo, mnist:DIR, usps:PATH, folder:DIR"),
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
    "threads": (int, "torch CPU threads (0 = automatic)"), "out": (str, "run folder: model.ckpt, config.json, metrics.csv"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="main.py", description="RNN Vision Lab: train and inspect recurrent "
                                     "networks on images. With no subcommand, opens the window.")
    sub = parser.add_subparsers(dest="command", required=True)
    train = sub.add_parser("train", help="train a model headless, as the window would")
    train.add_argument("--config", help="a JSON config (the window's Save config); flags override it")
    for name, (kind, text) in _TRAIN_FLAGS.items():
        train.add_argument("--" + name.replace("_", "-"), dest=name, type=kind, default=None, help=text)
    train.add_argument("--bidirectional", dest="bidirectional", action=argparse.BooleanOptionalAction, default=None,
                       help="read each sequence both ways")
    train.add_argument("--augment", dest="augment", action=argparse.BooleanOptionalAction, default=None,
                       help="small random shifts, rotations and scaling of training images")
    train.add_argument("--json", action="store_true", help="print one JSON result line last on stdout")

    evaluate = sub.add_parser("evaluate", help="evaluate a checkpoint on a data spec's test split")
    evaluate.add_argument("--checkpoint", required=True)
    evaluate.add_argument("--data", required=True, help="data spec (a folder: spec is evaluated whole)")
    evaluate.add_argument("--device", default="auto")
    evaluate.add_argument("--json", action="store_true")

    predict = sub.add_parser("predict", help="classify image files with a checkpoint")
    predict.add_argument("--checkpoint", required=True)
    predict.add_argument("images", nargs="+", help="image files")
    predict.add_argument("--device", default="auto")
    predict.add_argument("--json", action="store_true")
    return parser


def config_from_args(args: argparse.Namespace) -> RunConfig:
    values = RunConfig.load(args.config).to_dict() if args.config else {}
    for name in list(_TRAIN_FLAGS) + ["bidirectional", "augment"]:
        value = getattr(args, name)
        if value is not None:
            values[name] = value
    return RunConfig.from_dict(values)


def cmd_train(args) -> int:
    from engine.progress_bar import ProgressBar
    from engine.training import Trainer

    config = config_from_args(args)
    result = Trainer(config, ProgressBar()).run()
    if result["reason"] == "failed":
        return 2
    if args.json:
        print(json.dumps({"task": config.task, "cell": config.cell, "device": result["device"],
                          "epochs": result["epochs"], "seconds": round(result["seconds"], 2),
                          "samples_per_s": round(result["samples_per_s"], 1), "parameters": result["parameters"],
                          "metrics": result["metrics"], "checkpoint": result["checkpoint"]}))
    return 0


def cmd_evaluate(args) -> int:
    from engine.inference import Predictor

    predictor = Predictor.from_checkpoint(args.checkpoint, task="classify", device=args.device)
    metrics, details = predictor.evaluate(args.data)
    named = {f"test_{k}": v for k, v in metrics.items()}
    per_class = {name: float(a) for name, a in zip(predictor.class_names, details["per_class_accuracy"])}
    print(", ".join(f"{k} {v:.4f}" for k, v in named.items()), file=sys.stderr)
    if args.json:
        print(json.dumps({"task": predictor.payload["task"], "data": args.data, "metrics": named,
                          "per_class_accuracy": per_class, "checkpoint": str(args.checkpoint)}))
    return 0


def cmd_predict(args) -> int:
    from engine.inference import Predictor

    predictor = Predictor.from_checkpoint(args.checkpoint, task="classify", device=args.device)
    results = predictor.predict_files(args.images)
    for item in results:
        if "error" in item:
            print(f"{item['path']}: error: {item['error']}", file=sys.stderr)
        else:
            note = " (inverted to match the training data's light-on-dark ink)" if item["inverted"] else ""
            print(f"{item['path']}\t{item['class']}\t{item['probability']:.3f}{note}")
    if args.json:
        print(json.dumps({"predictions": results}))
    return 1 if any("error" in item for item in results) else 0


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        return {"train": cmd_train, "evaluate": cmd_evaluate, "predict": cmd_predict}[args.command](args)
    except UserError as error:
        print(f"error: {error.message}", file=sys.stderr)
        if error.hint:
            print(f"hint: {error.hint}", file=sys.stderr)
        return 2
