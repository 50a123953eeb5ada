"""`python main.py predict`: a checkpoint applied to files, by its task: class names (classify), edge maps
and edge videos (edges), masks (segment), rollout videos (predict).

Every output path is planned and checked first (engine.output_plan): an output never replaces an input or
the checkpoint, an existing file is replaced only with --overwrite, inputs of the same name get distinct
outputs. A refused plan writes nothing; each file is written atomically (engine.atomic_files).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from engine.errors import ConfigError, UserError
from engine.output_plan import input_location, plan_files, plan_folder


def add_predict_parser(sub) -> None:
    predict = sub.add_parser("predict", help="classify image files, draw their edge maps or masks, or roll out "
                             "videos, with a checkpoint")
    predict.add_argument("--checkpoint", required=True)
    predict.add_argument("images", nargs="+", help="image files; for edges also videos (video:FILE, frames:DIR, "
                         "or a .mp4/.avi/... path), written as <stem>_edges.mp4 (input | edges)")
    predict.add_argument("--out", help="edges checkpoints: folder for the edge-map PNGs and edge videos; "
                         "segment checkpoints: folder for <stem>_mask.png and <stem>_overlay.png; "
                         "predict checkpoints: the rollout FILE.mp4|.avi|.gif (<stem>_<i> for several inputs)")
    predict.add_argument("--overwrite", action="store_true",
                         help="replace output files that already exist (inputs are never replaced)")
    predict.add_argument("--frames", type=int, default=None,
                         help="predict checkpoints: frames to generate after the seed frames (default: the horizon)")
    predict.add_argument("--device", default="auto")
    predict.add_argument("--threads", type=int, default=0, help="torch CPU threads (0 = automatic)")
    predict.add_argument("--json", action="store_true")
    predict.set_defaults(run=cmd_predict)


def cmd_predict(args) -> int:
    """What the checkpoint's predictor declares it can do picks the outputs (engine/tasks/spec.py CAPABILITIES)."""
    from engine.inference import load_predictor

    predictor = load_predictor(args.checkpoint, device=args.device, threads=args.threads)
    for capability, write in WRITERS:
        if capability in predictor.capabilities:
            return write(predictor, args)
    raise ConfigError(f"predict does not take a {predictor.payload['task']!r} checkpoint ({args.checkpoint}).",
                      f"Measure it with: evaluate --checkpoint {args.checkpoint} --data SPEC (labelled data).")


def _predict_classes(predictor, args) -> int:
    if args.out:  # said, so nobody looks for files that were never meant to be written
        print(f"note: --out is not used: a {predictor.payload['task']} checkpoint prints its predictions "
              "(--json gives them as one line)", file=sys.stderr)
    results = predictor.predict_files(args.images)

    def line(item):
        note = " (inverted to match the training data's light-on-dark ink)" if item["inverted"] else ""
        return f"{item['path']}\t{item['class']}\t{item['probability']:.3f}{note}"

    return _report(results, predictor.RESULTS_KEY, line, args.json)


def _is_video(path: str) -> bool:
    """A video spec, a video file or a folder of frames (images go to the image path)."""
    from engine.data.video import VIDEO_SUFFIXES

    if path.split(":", 1)[0] in ("video", "frames", "camera"):
        return True
    return Path(path).is_dir() or Path(path.partition("?")[0]).suffix.lower() in VIDEO_SUFFIXES


def _protected(args, videos: list[str] = ()) -> list[Path]:
    """Everything the command reads, which it must never write: the inputs (a video spec by its path) and
    the checkpoint."""
    paths = [input_location(text, spec=text in videos) for text in args.images]
    return [path for path in paths if path is not None] + [Path(args.checkpoint)]


def _predict_edges(predictor, args) -> int:
    _need_out(args, "An edges checkpoint writes edge-map images: give --out DIR.",
              "For example: predict --checkpoint runs/edges/model.ckpt photo.jpg --out edges/")
    videos = [p for p in args.images if _is_video(p)]
    images = [p for p in args.images if p not in videos]
    tails = {name: f"_{name}.png" for name in predictor.IMAGE_OUTPUTS}
    inputs = [(p, input_location(p), tails) for p in images]
    inputs += [(p, input_location(p, spec=True), {"video": "_edges.mp4"}) for p in videos]
    planned = plan_folder(inputs, args.out, _protected(args, videos), args.overwrite)
    _note_renamed(planned)
    results = predictor.write_planned(planned[:len(images)], args.overwrite)
    for item in planned[len(images):]:
        # item=item: bound now (the call happens inside _attempt, in this same turn of the loop)
        results.append(_attempt(item, lambda item=item: predictor.write_edge_video(
            item.source, item.files["video"], overwrite=args.overwrite)))
    def line(item):
        if "video" in item:
            return f"{item['path']}\t{item['video']}\t{item['frames']} frames"
        return _image_line(predictor, item)

    return _report(results, predictor.RESULTS_KEY, line, args.json)


def _predict_frames(predictor, args) -> int:
    """Roll out each video / npz: its first `context` frames seed, `--frames` more are generated."""
    from engine.cli_messages import check_data_fits
    from engine.data.video import WRITE_SUFFIXES

    _need_out(args, "A predict checkpoint writes a rollout video: give --out FILE.mp4 (or .gif).",
              "For example: predict --checkpoint runs/mm/model.ckpt clip.mp4 --frames 30 --out roll.mp4")
    if args.frames is not None and args.frames < 1:
        raise ConfigError(f"--frames must be at least 1, got {args.frames}.", "Give the number of frames to generate.")
    for spec in args.images:
        check_data_fits(predictor.payload["task"], spec, args.checkpoint)
    planned = plan_files(args.images, args.out, _protected(args, args.images), args.overwrite, WRITE_SUFFIXES)
    results = [_attempt(item, lambda item=item: predictor.write_rollout(
        item.source, item.files["video"], args.frames, overwrite=args.overwrite)) for item in planned]
    return _report(results, predictor.RESULTS_KEY, lambda item: f"{item['path']}\t{item['video']}\t"
                   f"{item['seed_frames']} seed + {item['generated']} generated frames", args.json)


def _predict_masks(predictor, args) -> int:
    from engine.image_outputs import plan_images

    _need_out(args, "A segment checkpoint writes mask images: give --out DIR.",
              "For example: predict --checkpoint runs/seg/model.ckpt horse.jpg --out masks/")
    planned = plan_images(args.images, args.out, predictor.IMAGE_OUTPUTS, args.overwrite, [Path(args.checkpoint)])
    _note_renamed(planned)
    results = predictor.write_planned(planned, args.overwrite)
    return _report(results, predictor.RESULTS_KEY, lambda item: _image_line(predictor, item), args.json)


def _image_line(predictor, item: dict) -> str:
    """An input and the image files written for it, tab-separated."""
    return "\t".join([item["path"]] + [item[name] for name in predictor.IMAGE_OUTPUTS])


def _need_out(args, message: str, hint: str) -> None:
    if not args.out:
        raise ConfigError(message, hint)


def _attempt(item, write) -> dict:
    """One video written, or {"path", "error"} when its input cannot be read; the rest go on."""
    try:
        result = write()
    except UserError as error:
        return {"path": item.source, "error": error.message}
    return {**result, "renamed": item.renamed} if item.renamed else result


def _note_renamed(planned) -> None:
    for item in planned:
        if item.renamed:
            print(f"note: {item.source} has the same file name as another input: its outputs are named "
                  f"{item.renamed}_*", file=sys.stderr)


def _report(results: list[dict], key: str, line, as_json: bool) -> int:
    """One line per result on stdout (errors and warnings on stderr), the JSON line last; exit 1 when any input
    failed."""
    for item in results:
        if "error" in item:
            print(f"{item['path']}: error: {item['error']}", file=sys.stderr)
        else:
            print(line(item))
    for note in dict.fromkeys(item["note"] for item in results if item.get("note")):  # each once (mp4v fallback)
        print(f"warning: {note}", file=sys.stderr)
    if as_json:
        print(json.dumps({key: results}))
    return 1 if any("error" in item for item in results) else 0


# capability -> what predict writes for it, the first the predictor declares wins
WRITERS = (("edge_maps", _predict_edges), ("rollout", _predict_frames), ("masks", _predict_masks),
           ("classify_image", _predict_classes))
