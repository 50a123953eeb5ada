"""A trained model loaded from its checkpoint, preparing new images exactly as in training."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from engine import checkpoint, device as devices
from engine.config import RunConfig
from engine.data import DataSpec, load_classification, read_image
from engine.data.images import conform, dark_background
from engine.errors import CheckpointError, DataError
from engine.image_outputs import plan_images, write_image_results
from engine.tasks import registry


class Predictor:
    def __init__(self, payload: dict, device: str = "auto"):
        self.payload = payload
        self.config = RunConfig.from_dict(payload["config"])
        self.info = payload["info"]
        self.task = registry.get(payload["task"])
        self.device = devices.resolve(device).device
        self.skipped: list[tuple[str, str]] = []  # (path, reason): files the last evaluate's data left out
        self.model = checkpoint.restore(payload, self.task.build_model(self.config, self.info)).to(self.device).eval()

    @classmethod
    def from_checkpoint(cls, path: str | Path, task: str | None = None, device: str = "auto") -> "Predictor":
        return cls(checkpoint.load(path, task), device)

    @property
    def class_names(self) -> list[str]:
        return self.info["class_names"]

    def prepare(self, images: np.ndarray) -> tuple[np.ndarray, bool]:
        """Conform to the training preprocessing; invert when the ink polarity is the opposite of training."""
        images = conform(images, self.info["image_shape"])
        inverted = dark_background(images) != self.info.get("dark_background", True)
        return (1.0 - images if inverted else images), inverted

    def predict(self, images: np.ndarray) -> np.ndarray:
        """(N, H, W, C) float [0, 1] -> (N, classes) probabilities."""
        prepared, _ = self.prepare(images)
        return self.task.predict(self.model, prepared, self.device)

    def predict_files(self, paths: list[str]) -> list[dict]:
        c = self.info["image_shape"][0]
        results = []
        for path in paths:
            try:
                image = read_image(path, None, c)
            except DataError as error:
                results.append({"path": str(path), "error": error.message})
                continue
            prepared, inverted = self.prepare(image[None])
            probs = self.task.predict(self.model, prepared, self.device)[0]
            best = int(probs.argmax())
            results.append({"path": str(path), "class": self.class_names[best], "probability": float(probs[best]),
                            "inverted": inverted})
        return results

    def evaluate(self, spec: str) -> tuple[dict, dict]:
        """Metrics on the spec's test split (all of it when the source has none, e.g. a folder)."""
        parsed = DataSpec.parse(spec)
        c, h, _ = self.info["image_shape"]
        if parsed.kind == "folder":
            parsed.options.setdefault("size", str(h))
            parsed.options.setdefault("channels", "grey" if c == 1 else "rgb")
        splits = load_classification(parsed)
        self.skipped = list(splits.skipped)
        data = splits.test if splits.test is not None else splits.train
        if data.class_names != self.class_names:
            raise DataError(f"The data's classes {data.class_names} differ from the model's {self.class_names}.",
                            "Evaluate on data with the same classes (folder names) as the training data.")
        images = torch.from_numpy(conform(data.images, self.info["image_shape"]).transpose(0, 3, 1, 2).copy())
        return self.task.evaluate(self.model, (images, torch.from_numpy(data.labels)), self.device, 256)

    def inspect(self, image: np.ndarray, label: str = "", index: int = 0):
        """A "hidden" Snapshot (prediction + per-step states) for one (H, W, C) image."""
        prepared, _ = self.prepare(image[None])
        return self.task.probe_image(self.model, prepared[0], label, self.info, self.device, index)


class EdgePredictor:
    """An edges checkpoint: edge maps of image files of any size, at their own size."""

    IMAGE_OUTPUTS = ("edges", "thin")  # <stem>_edges.png, <stem>_thin.png

    def __init__(self, payload: dict, device: str = "auto"):
        self.payload = payload
        self.config = RunConfig.from_dict(payload["config"])
        self.info = payload["info"]
        self.task = registry.get("edges")
        missing = [k for k in ("train_size", "scale", "width", "mean", "std", "target") if k not in self.info]
        if missing:
            raise CheckpointError(f"This 'edges' checkpoint lacks its preprocessing ({', '.join(missing)}).",
                                  "Give the model.ckpt written by `python main.py train --task edges`.")
        self.device = devices.resolve(device).device
        self.skipped: list[tuple[str, str]] = []  # (path, reason): files the last evaluate's data left out
        self.model = checkpoint.restore(payload, self.task.build_model(self.config, self.info)).to(self.device).eval()

    def edge_map(self, image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """uint8 (H, W, 3) RGB -> (soft probability map, map thinned by non-maximum suppression), float32 (H, W)."""
        from engine.edges.nms import non_max_suppression

        soft = self.task.predict_map(self.model, image, self.info, self.device)
        return soft, non_max_suppression(soft)

    def live_map(self, frame: np.ndarray) -> np.ndarray:
        """uint8 (H, W, 3) RGB video frame -> float32 (H, W) edge probability, fast: one scale, the frame resized
        so its longer side is the training images' longer side (the detail density the model learned at)."""
        long_side = max(frame.shape[:2])
        scale = max(self.info["train_size"]) / max(long_side, 1)
        return self.task.predict_map(self.model, frame, {"scale": scale, "test_scales": [1.0]}, self.device)

    def write_edge_video(self, spec: str, out: str | Path, *, side_by_side: bool = True, size=None,
                         progress=None, cancel=None, overwrite: bool = True) -> dict:
        """Run live_map on every frame of a video spec (video:FILE, frames:DIR, a path) and write an MP4 / GIF
        of the edge maps (white on black), beside the input frames when `side_by_side`; atomically, and
        without `overwrite` never over an existing file."""
        from engine.data.loading import check_cancel
        from engine.data.video import open_video, write_video

        with open_video(spec, size=size) as source:
            total, fps = source.frame_count or 0, source.fps

            def frames():
                for i, frame in enumerate(source):
                    check_cancel(cancel)
                    edges = np.repeat(np.round(self.live_map(frame) * 255).astype(np.uint8)[:, :, None], 3, 2)
                    if progress is not None:
                        progress(i + 1, max(total, i + 1))
                    yield np.concatenate([frame, edges], 1) if side_by_side else edges

            count = write_video(out, frames(), fps, overwrite=overwrite)
        return {"path": str(spec), "video": str(out), "frames": count, "fps": fps}

    def predict_files(self, paths: list[str], out: str | Path, overwrite: bool = False) -> list[dict]:
        """Write <stem>_edges.png (probability x 255) and <stem>_thin.png (thinned) into `out` for each image,
        never over an input and, without `overwrite`, never over an existing file (engine.output_plan)."""
        return self.write_planned(plan_images(paths, out, self.IMAGE_OUTPUTS, overwrite), overwrite)

    def write_planned(self, planned, overwrite: bool = False) -> list[dict]:
        """The edge maps of images whose outputs engine.output_plan has already placed and checked."""
        def make(image):
            soft, thin = self.edge_map(image)
            pictures = [(name, np.round(np.clip(values, 0, 1) * 255).astype(np.uint8))
                        for name, values in (("edges", soft), ("thin", thin))]
            return pictures, {"edge_fraction": float((soft >= 0.5).mean())}

        return write_image_results(planned, make, overwrite)

    def evaluate(self, spec: str, thresholds: int | None = None) -> tuple[dict, dict]:
        """The benchmark on the spec's test split (all its images when it has none), as at the end of training."""
        from engine.data.edge_data import load_edges

        data = load_edges(spec)
        self.skipped = list(data.skipped)
        options = dict(self.info, **({"bench_thresholds": int(thresholds)} if thresholds else {}))
        test = self.task.test_split(data.test or data.train, self.info["train_size"], options)
        if test.truths is None:
            raise DataError(f"{spec} has no edge annotations to score against.",
                            "Evaluate on bsds:DIR or pairs:IMGDIR,EDGEDIR.")
        return self.task.evaluate(self.model, test, self.device, 16)


def load_predictor(path: str | Path, device: str = "auto", threads: int = 0):
    """A Predictor (classify) or an EdgePredictor (edges), by the checkpoint's task. threads: torch CPU
    threads (0 = automatic: engine.device.default_threads(), as in training; capped at the cores)."""
    if threads is not None:
        from engine.device import set_threads

        set_threads(threads)  # more than the cores only makes threads wait on each other
    payload = checkpoint.load(path)
    if payload["task"] in ("predict", "video-classify"):  # video: engine.frames_predictor
        from engine.frames_predictor import ClipPredictor, FramesPredictor

        return (FramesPredictor if payload["task"] == "predict" else ClipPredictor)(payload, device)
    if payload["task"] == "segment":
        from engine.segment_predictor import SegmentPredictor

        return SegmentPredictor(payload, device)
    return EdgePredictor(payload, device) if payload["task"] == "edges" else Predictor(payload, device)
