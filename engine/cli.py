"""`python main.py train|evaluate|predict`: the engine without a window (never imports Qt)."""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys

from engine.cli_flags import config_from_args, option_flags, train_flags
from engine.compare_cli import add_compare_parser
from engine.errors import UserError
from engine.export_cli import add_export_parser
from engine.predict_cli import add_predict_parser
from engine.runs_cli import add_runs_parser, default_out, resume_config
from engine.sweep_cli import add_sweep_parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="main.py", description="RNN Vision Lab: train and inspect recurrent "
                                     "networks on images. With no subcommand, opens the window.")
    sub = parser.add_subparsers(dest="command", required=True)
    train = sub.add_parser("train", help="train a model headless, as the window would")
    train.add_argument("--config", help="a JSON config (the window's Save config); flags override it")
    flags = train_flags()
    for name, (kind, text) in flags.items():
        train.add_argument("--" + name.replace("_", "-"), dest=name, type=kind, default=None, help=text)
    train.add_argument("--bidirectional", dest="bidirectional", action=argparse.BooleanOptionalAction, default=None,
                       help="read each sequence both ways")
    train.add_argument("--augment", dest="augment", action=argparse.BooleanOptionalAction, default=None,
                       help="small random shifts, rotations and scaling of training images")
    for name, (kind, text) in option_flags().items():  # conveniences for --option NAME=VALUE
        train.add_argument("--" + name.replace("_", "-"), dest=name, type=kind, default=None, help=text)
    train.add_argument("--option", dest="options", action="append", default=None, metavar="KEY=VALUE",
                       help="a task option, e.g. --option scale=0.5 (repeatable; see the task's docs)")
    train.add_argument("--json", action="store_true", help="print one JSON result line last on stdout")
    train.add_argument("--verbose", action="store_true", help="list every skipped file (else the first few)")
    train.add_argument("--overwrite", action="store_true",
                       help="replace an earlier run's config.json, metrics.csv and model.ckpt in --out")
    train.add_argument("--resume", default=None, metavar="RUN_DIR",
                       help="go on with a stopped, failed or interrupted run (or extend a finished one with "
                       "--epochs), appending to its curves; only --epochs, --threads and --device may change")
    train.add_argument("--tensorboard", action="store_true", help="also write the run's scalars, probe pictures and "
                       "gradient curve as TensorBoard event files into its run folder (needs the tensorboard package)")

    evaluate = sub.add_parser("evaluate", help="evaluate a checkpoint on a data spec's test split")
    evaluate.add_argument("--checkpoint", required=True)
    evaluate.add_argument("--data", required=True, help="data spec (a folder: spec is evaluated whole)")
    evaluate.add_argument("--device", default="auto")
    evaluate.add_argument("--threads", type=int, default=0,
                          help="torch CPU threads (0 = automatic: the cores less one, as in training)")
    evaluate.add_argument("--thresholds", type=int, default=None,
                          help="edges: thresholds of the BSDS benchmark (default: the checkpoint's; "
                          "the benchmark's own is 99)")
    evaluate.add_argument("--json", action="store_true")
    evaluate.add_argument("--verbose", action="store_true", help="list every skipped file (else the first few)")

    add_predict_parser(sub)
    add_compare_parser(sub, flags)
    add_runs_parser(sub)
    add_export_parser(sub)
    add_sweep_parser(sub, flags)
    train.set_defaults(run=cmd_train)
    evaluate.set_defaults(run=cmd_evaluate)
    return parser


def cmd_train(args) -> int:
    """Train one run; under torchrun this process is one rank of a data-parallel run (engine/distributed.py)."""
    from engine import distributed

    world = distributed.start()  # SOLO unless torchrun started this process
    try:
        code = _train(args, world)
    except distributed.MainRankFailed:  # rank 0 says why
        code = 2
    if world.distributed and code:
        # a rank that stops because another was lost leaves at once: torch's own exit would wait on the dead
        # peer's connections until torchrun kills it
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    world.finish()
    return code


def _train_config(args):
    """The run's settings, checked (and its folder, for a new run): on rank 0 alone, handed to the others."""
    from engine.cli_messages import check_data_fits
    from engine.config import RunConfig

    if args.resume:
        config = resume_config(args)
    else:
        config = config_from_args(args)
        if not config.out:  # every run gets a folder: the run library's, when --out names none
            config = RunConfig.from_dict({**config.to_dict(), "out": default_out(config)})
    check_data_fits(config.task, config.data)
    if not args.resume:
        from engine.output_plan import check_run_folder

        check_run_folder(config.out, config.data, args.overwrite)
    return config


def _train(args, world) -> int:
    from engine.cli_messages import report_skipped, skipped_json
    from engine.progress_bar import ProgressBar
    from engine.training import Trainer

    config = world.from_main(lambda: _train_config(args))
    events = tensorboard = ProgressBar() if world.is_main else None
    if args.tensorboard and world.is_main:  # event files beside the journal's (engine/runs/tensorboard.py)
        from engine.runs.tensorboard import TensorBoardTap

        events = tensorboard = TensorBoardTap(config.out, events)
    trainer = Trainer(config, events, resume=bool(args.resume))
    try:
        result = trainer.run()
    finally:
        if args.tensorboard and tensorboard is not None:
            tensorboard.close()
    if not world.is_main:  # rank 0 reports the run; another rank speaks only of a rank it lost
        if result["reason"] == "interrupted":
            print(f"error: {result['message']}\nhint: {result['hint']}", file=sys.stderr)
        return 2 if result["reason"] in ("failed", "interrupted") else 0
    skipped = list(trainer.prepared.skipped) if trainer.prepared is not None else []
    report_skipped(skipped, args.verbose)
    if result["reason"] in ("failed", "interrupted"):
        return 2
    if args.json:
        # the test figures also under their plain names (ods, miou, ...), as the issues and papers name them
        metrics = {**{k[5:]: v for k, v in result["metrics"].items() if k.startswith("test_")}, **result["metrics"]}
        ranks = {"ranks_agree": world.ranks_agree} if world.distributed else {}
        print(json.dumps({"task": config.task, "cell": config.cell, "device": result["device"],
                          "epochs": result["epochs"], "seconds": round(result["seconds"], 2),
                          "samples_per_s": round(result["samples_per_s"], 1), "parameters": result["parameters"],
                          "metrics": metrics, "checkpoint": result["checkpoint"], "run": config.out,
                          "world_size": world.size, **ranks, "skipped": skipped_json(skipped)}))
    return 0


def cmd_evaluate(args) -> int:
    from engine.cli_messages import report_skipped, skipped_json
    from engine.evaluation import evaluate_with_results
    from engine.inference import load_predictor

    predictor = load_predictor(args.checkpoint, device=args.device, threads=args.threads)
    result = evaluate_with_results(predictor, args.data, str(args.checkpoint), args.thresholds, pictures=False)
    extra = {"per_class_accuracy": result.per_class_accuracy} if result.per_class_accuracy else {}
    report_skipped(predictor.skipped, args.verbose)
    print(result.line(), file=sys.stderr)
    if args.json:
        print(json.dumps({"task": result.task, "data": args.data, "metrics": result.metrics, **extra,
                          "checkpoint": str(args.checkpoint), "skipped": skipped_json(predictor.skipped)}))
    return 0


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except UserError as error:
        print(f"error: {error.message}", file=sys.stderr)
        if error.hint:
            print(f"hint: {error.hint}", file=sys.stderr)
        return 2
