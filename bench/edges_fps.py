"""Live edge video speed: frames per second of the default edge model for RNN, LSTM and GRU cells.

Each frame of a real 320 x 240 clip is decoded, run through EdgePredictor.live_map (one scale, the frame
resized to the training images' longer side, as the window's live mode does) and its map converted to
uint8 for display. The weights do not change the speed, so untrained default models stand in for the
three cells; with --checkpoint the trained model is timed too. Prints one JSON line.

Usage: python bench/edges_fps.py [--video ../shared/data/video_clips/realshort.mp4] [--threads 1]
       [--checkpoint runs/edges/model.ckpt] [--frames 120]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine import checkpoint  # noqa: E402
from engine.config import RunConfig  # noqa: E402
from engine.data.video import open_video  # noqa: E402
from engine.tasks.edges.predictor import EdgePredictor  # noqa: E402
from engine.tasks import registry  # noqa: E402
from engine.tasks.edges import SPEC  # noqa: E402

DEFAULT_VIDEO = ROOT.parent / "shared" / "data" / "video_clips" / "realshort.mp4"


def default_predictor(cell: str) -> EdgePredictor:
    """An untrained edge model with the edges task's defaults and BSDS's training size (240 x 160)."""
    config = RunConfig.from_dict({**registry.defaults("edges"), "task": "edges", "cell": cell})
    info = {"train_size": [160, 240], "scale": SPEC.default("scale"), "width": SPEC.default("width"),
            "mean": [0.5] * 3, "std": [0.25] * 3, "target": "human"}
    model = registry.get("edges").build_model(config, info)
    payload = {"task": "edges", "config": config.to_dict(), "info": info, "state_dict": model.state_dict()}
    return EdgePredictor(payload, "cpu")


def frames_per_second(predictor: EdgePredictor, video: str, size, frames: int) -> dict:
    with open_video(video, size=size) as source:
        clip = list(source)
    predictor.live_map(clip[0])  # first call pays for allocations
    start = time.perf_counter()
    for i in range(frames):
        edges = predictor.live_map(clip[i % len(clip)])
        np.round(edges * 255).astype(np.uint8)
    seconds = time.perf_counter() - start
    return {"fps": round(frames / seconds, 1), "ms_per_frame": round(1000 * seconds / frames, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--video", default=str(DEFAULT_VIDEO))
    parser.add_argument("--size", default="320x240", help="frame size WxH")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--frames", type=int, default=120)
    parser.add_argument("--checkpoint", default="")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(args.threads)
    w, h = (int(v) for v in args.size.lower().split("x"))
    result = {"video": Path(args.video).name, "size": args.size, "threads": args.threads, "frames": args.frames}
    for cell in ("rnn", "lstm", "gru"):
        predictor = default_predictor(cell)
        params = sum(p.numel() for p in predictor.model.parameters())
        result[cell] = {"parameters": params, **frames_per_second(predictor, args.video, (h, w), args.frames)}
    if args.checkpoint:
        predictor = EdgePredictor(checkpoint.load(args.checkpoint, "edges"), "cpu")
        result["checkpoint"] = {"path": args.checkpoint, "cell": predictor.config.cell,
                                **frames_per_second(predictor, args.video, (h, w), args.frames)}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
