"""`python main.py train|evaluate|predict`: the engine without a window (never imports Qt)."""
from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from engine.compare_cli import add_compare_parser, cmd_compare
from engine.config import CELLS, OPTIMIZERS, READ_ORDERS, SCHEDULES, RunConfig
from engine.errors import ConfigError, UserError

# flags that map one to one onto RunConfig fields; None means "not given" so --config values survive
_TRAIN_FLAGS = {
    "task": (str, "task name: classify or edges"),
    "data": (str, "data spec: demo, mnist:DIR, usps:PATH, folder:DIR; "
                  "for edges bsds:DIR, pairs:IMGDIR,EDGEDIR, images:DIR; "
                  "for segment weizmann:DIR, pairs:IMGDIR,MASKDIR, shapes (demo)"),
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
    train.add_argument("--target", default=None,
                       help="edges task: what it learns, human (annotations), canny or sobel (from the image)")
    train.add_argument("--context", type=int, default=None, help="predict: frames read before forecasting (10)")
    train.add_argument("--horizon", type=int, default=None, help="predict: frames forecast (10)")
    train.add_argument("--option", dest="options", action="append", default=None, metavar="KEY=VALUE",
                       help="a task option, e.g. --option scale=0.5 (repeatable; see the task's docs)")
    train.add_argument("--json", action="store_true", help="print one JSON result line last on stdout")

    evaluate = sub.add_parser("evaluate", help="evaluate a checkpoint on a data spec's test split")
    evaluate.add_argument("--checkpoint", required=True)
    evaluate.add_argument("--data", required=True, help="data spec (a folder: spec is evaluated whole)")
    evaluate.add_argument("--device", default="auto")
    evaluate.add_argument("--threads", type=int, default=0, help="torch CPU threads (0 = automatic)")
    evaluate.add_argument("--thresholds", type=int, default=None,
                          help="edges: thresholds of the BSDS benchmark (default: the checkpoint's; "
                          "the benchmark's own is 99)")
    evaluate.add_argument("--json", action="store_true")

    predict = sub.add_parser("predict", help="classify image files, or draw their edge maps, with a checkpoint")
    predict.add_argument("--checkpoint", required=True)
    predict.add_argument("images", nargs="+", help="image files; for edges also videos (video:FILE, frames:DIR, "
                         "or a .mp4/.avi/... path), written as <stem>_edges.mp4 (input | edges)")
    predict.add_argument("--out", help="edges checkpoints: folder for the edge-map PNGs and edge videos; "
                         "segment checkpoints: folder for <stem>_mask.png and <stem>_overlay.png")
    predict.add_argument("--frames", type=int, default=None,
                         help="predict checkpoints: frames to generate after the seed frames (default: the horizon)")
    predict.add_argument("--device", default="auto")
    predict.add_argument("--threads", type=int, default=0, help="torch CPU threads (0 = automatic)")
    predict.add_argument("--json", action="store_true")
    add_compare_parser(sub, _TRAIN_FLAGS)
    return parser


def config_from_args(args: argparse.Namespace, base: dict | None = None) -> RunConfig:
    """Settings from, lowest first: the task's defaults, `base` (e.g. a preset), --config, the flags."""
    values = RunConfig.load(args.config).to_dict() if args.config else {}
    for name in list(_TRAIN_FLAGS) + ["bidirectional", "augment"]:
        value = getattr(args, name)
        if value is not None:
            values[name] = value
    options = dict(values.get("options") or {})
    for item in args.options or []:
        key, sep, text = item.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"Bad --option {item!r}.", "Write --option KEY=VALUE, e.g. --option scale=0.5.")
        options[key.strip()] = _option_value(text.strip())
    if args.target is not None:
        options["target"] = args.target
    for name in ("context", "horizon"):
        if getattr(args, name, None) is not None:
            options[name] = getattr(args, name)
    if options:
        values["options"] = options
    from engine.tasks import registry  # no torch: the task's starting values, under the file and the flags

    return RunConfig.from_dict({**registry.defaults(values.get("task", RunConfig.task)), **(base or {}), **values})


def _option_value(text: str):
    """A number, true / false, or JSON when it reads as such; else the text itself."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def cmd_train(args) -> int:
    from engine.progress_bar import ProgressBar
    from engine.training import Trainer

    config = config_from_args(args)
    result = Trainer(config, ProgressBar()).run()
    if result["reason"] == "failed":
        return 2
    if args.json:
        # the test figures also under their plain names (ods, miou, ...), as the issues and papers name them
        metrics = {**{k[5:]: v for k, v in result["metrics"].items() if k.startswith("test_")}, **result["metrics"]}
        print(json.dumps({"task": config.task, "cell": config.cell, "device": result["device"],
                          "epochs": result["epochs"], "seconds": round(result["seconds"], 2),
                          "samples_per_s": round(result["samples_per_s"], 1), "parameters": result["parameters"],
                          "metrics": metrics, "checkpoint": result["checkpoint"]}))
    return 0


def cmd_evaluate(args) -> int:
    from engine.inference import EdgePredictor, load_predictor

    predictor = load_predictor(args.checkpoint, device=args.device, threads=args.threads)
    if isinstance(predictor, EdgePredictor):
        metrics, _ = predictor.evaluate(args.data, args.thresholds)
        named = {f"test_{k}": float(v) for k, v in metrics.items()}
        print(", ".join(f"{k} {v:.4f}" for k, v in named.items()), file=sys.stderr)
        if args.json:
            print(json.dumps({"task": "edges", "data": args.data, "metrics": named,
                              "checkpoint": str(args.checkpoint)}))
        return 0
    if predictor.payload["task"] in ("predict", "video-classify", "segment"):
        metrics, _ = predictor.evaluate(args.data)
        named = {f"test_{k}": float(v) for k, v in metrics.items()}
        print(", ".join(f"{k} {v:.4f}" for k, v in named.items()), file=sys.stderr)
        if args.json:
            print(json.dumps({"task": predictor.payload["task"], "data": args.data, "metrics": named,
                              "checkpoint": str(args.checkpoint)}))
        return 0
    metrics, details = predictor.evaluate(args.data)
    named = {f"test_{k}": v for k, v in metrics.items()}
    per_class = {name: float(a) for name, a in zip(predictor.class_names, details["per_class_accuracy"])}
    print(", ".join(f"{k} {v:.4f}" for k, v in named.items()), file=sys.stderr)
    if args.json:
        print(json.dumps({"task": predictor.payload["task"], "data": args.data, "metrics": named,
                          "per_class_accuracy": per_class, "checkpoint": str(args.checkpoint)}))
    return 0


def cmd_predict(args) -> int:
    from engine.inference import EdgePredictor, load_predictor

    predictor = load_predictor(args.checkpoint, device=args.device, threads=args.threads)
    if isinstance(predictor, EdgePredictor):
        return _predict_edges(predictor, args)
    if predictor.payload["task"] == "predict":
        return _predict_frames(predictor, args)
    if predictor.payload["task"] == "segment":
        return _predict_masks(predictor, args)
    results = predictor.predict_files(args.images)
    def line(item):
        note = " (inverted to match the training data's light-on-dark ink)" if item["inverted"] else ""
        return f"{item['path']}\t{item['class']}\t{item['probability']:.3f}{note}"

    return _report(results, "predictions", line, args.json)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        return {"train": cmd_train, "evaluate": cmd_evaluate, "predict": cmd_predict,
                "compare": cmd_compare}[args.command](args)
    except UserError as error:
        print(f"error: {error.message}", file=sys.stderr)
        if error.hint:
            print(f"hint: {error.hint}", file=sys.stderr)
        return 2


def _is_video(path: str) -> bool:
    """A video spec, a video file or a folder of frames (images go to the image path)."""
    from engine.data.video import VIDEO_SUFFIXES

    if path.split(":", 1)[0] in ("video", "frames", "camera"):
        return True
    return Path(path).is_dir() or Path(path.partition("?")[0]).suffix.lower() in VIDEO_SUFFIXES


def _predict_edges(predictor, args) -> int:
    if not args.out:
        raise ConfigError("An edges checkpoint writes edge-map images: give --out DIR.",
                          "For example: predict --checkpoint runs/edges/model.ckpt photo.jpg --out edges/")
    videos = [p for p in args.images if _is_video(p)]
    results = predictor.predict_files([p for p in args.images if p not in videos], args.out)
    for path in videos:
        target = Path(args.out) / f"{Path(path.partition('?')[0].partition(':')[2] or path).stem}_edges.mp4"
        try:
            results.append(predictor.write_edge_video(path, target))
        except UserError as error:
            results.append({"path": path, "error": error.message})
    return _report(results, "edges", lambda item: f"{item['path']}\t{item['video']}\t{item['frames']} frames"
                   if "video" in item else f"{item['path']}\t{item['edges']}\t{item['thin']}", args.json)


def _predict_frames(predictor, args) -> int:
    """Roll out each video / npz: its first `context` frames seed, `--frames` more are generated."""
    if not args.out:
        raise ConfigError("A predict checkpoint writes a rollout video: give --out FILE.mp4 (or .gif).",
                          "For example: predict --checkpoint runs/mm/model.ckpt clip.mp4 --frames 30 --out roll.mp4")
    results = []
    for i, spec in enumerate(args.images):
        target = Path(args.out)
        if len(args.images) > 1:
            target = target.with_name(f"{target.stem}_{i}{target.suffix}")
        try:
            results.append(predictor.write_rollout(spec, target, args.frames))
        except UserError as error:
            results.append({"path": spec, "error": error.message})
    return _report(results, "rollouts", lambda item: f"{item['path']}\t{item['video']}\t{item['seed_frames']} seed + "
                   f"{item['generated']} generated frames", args.json)


def _predict_masks(predictor, args) -> int:
    if not args.out:
        raise ConfigError("A segment checkpoint writes mask images: give --out DIR.",
                          "For example: predict --checkpoint runs/seg/model.ckpt horse.jpg --out masks/")
    results = predictor.predict_files(args.images, args.out)
    return _report(results, "masks", lambda item: f"{item['path']}\t{item['mask']}\t{item['overlay']}", args.json)


def _report(results: list[dict], key: str, line, as_json: bool) -> int:
    """One line per result on stdout (errors on stderr), the JSON line last; exit 1 when any input failed."""
    for item in results:
        if "error" in item:
            print(f"{item['path']}: error: {item['error']}", file=sys.stderr)
        else:
            print(line(item))
    if as_json:
        print(json.dumps({key: results}))
    return 1 if any("error" in item for item in results) else 0
