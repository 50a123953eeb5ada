"""An edges checkpoint: edge maps of image files of any size, at their own size; edge videos; the benchmark."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from engine.errors import DataError
from engine.image_outputs import plan_images, write_image_results
from engine.tasks.edges import SPEC
from engine.tasks.loaded import LoadedModel


class EdgePredictor(LoadedModel):
    SPEC = SPEC
    IMAGE_OUTPUTS = ("edges", "thin")  # <stem>_edges.png, <stem>_thin.png
    RESULTS_KEY = "edges"  # predict --json: {"edges": [...]}
    EVAL_BATCH = 16

    def edge_map(self, image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """uint8 (H, W, 3) RGB -> (soft probability map, map thinned by non-maximum suppression), float32 (H, W)."""
        from engine.edges.nms import non_max_suppression

        soft = self.task.predict_map(self.model, image, self.info, self.device)
        return soft, non_max_suppression(soft)

    def inside(self, data, index: int) -> list:
        """The Inside tab's ReNet sweep maps of photo `index` of the window's loaded edge data (its test photos,
        else its training photos), at the training size."""
        samples = data.test or data.train
        index = int(index) % len(samples)
        meta = {"index": index, "name": samples[index].name}
        return [self.task.sweep_probe(self.model, samples[index].image, self.info, self.device, meta)]

    def test_item(self, data, index: int, name: str = "") -> tuple[dict, dict]:
        """(arrays, meta) of photo `index` of the window's loaded edge data (its test photos, else all of them,
        as the test split is made), as the Results page shows a test image: edge_map snapshot arrays, with the
        annotators' boundaries when the data has them. `name`: the photo the caller expects there (a DataError
        when the loaded data holds another one)."""
        from engine.errors import DataError
        from engine.tasks.edges.task import test_arrays

        samples = (getattr(data, "test", None) or getattr(data, "train", None)) or []
        if not 0 <= int(index) < len(samples) or (name and samples[int(index)].name != name):
            raise DataError(f"The loaded data has no test image {name or index} of this run.",
                            "Open the data this run was trained or evaluated on again to compute its other test "
                            "images.")
        sample = samples[int(index)]
        soft, _ = self.edge_map(sample.image)
        meta = {"index": int(index), "name": sample.name, "split": "test", "scale": "full"}
        return test_arrays(sample.image, soft, sample.truths), meta

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
        from engine.data.video_h264 import note_for

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
        return {"path": str(spec), "video": str(out), "frames": count, "fps": fps, **note_for(out)}

    def predict_files(self, paths: list[str], out: str | Path, overwrite: bool = False) -> list[dict]:
        """Write <stem>_edges.png (probability x 255) and <stem>_thin.png (thinned) into `out` for each image,
        never over an input and, without `overwrite`, never over an existing file (engine.output_plan)."""
        return self.write_planned(plan_images(paths, out, self.IMAGE_OUTPUTS, overwrite), overwrite)

    def write_planned(self, planned, overwrite: bool = False) -> list[dict]:
        """The edge maps of images whose outputs engine.output_plan has already placed and checked."""
        def make(image):
            soft, thin = self.edge_map(image)
            pictures = [(name, np.round(np.clip(values, 0, 1) * 255).astype(np.uint8))
                        for name, values in zip(self.IMAGE_OUTPUTS, (soft, thin))]
            return pictures, {"edge_fraction": float((soft >= 0.5).mean())}

        return write_image_results(planned, make, overwrite)

    def test_data(self, spec: str, thresholds: int | None = None):
        """The spec's test split (all its images when it has none) with its annotations, for the benchmark as at
        the end of training; `thresholds` replaces the checkpoint's number of benchmark thresholds."""
        from engine.data.edge_data import load_edges

        data = load_edges(spec)
        self.skipped = list(data.skipped)
        options = dict(self.info, **({"bench_thresholds": int(thresholds)} if thresholds else {}))
        test = self.task.test_split(data.test or data.train, self.info["train_size"], options)
        if test.truths is None:
            raise DataError(f"{spec} has no edge annotations to score against.",
                            "Evaluate on bsds:DIR or pairs:IMGDIR,EDGEDIR.")
        return test

    def export_graph(self):
        """The edge detector for engine.model_export: images prepared as `live_map` prepares a frame (turned
        landscape, resized by the training scale) -> the fused edge probability and all four outputs' logits;
        any batch size and image size."""
        import torch

        from engine.export_graph import ExportGraph, PlainOutputs, seeded_images
        from engine.tasks.edges.task import scaled_input
        from engine.tasks.edges.targets import landscape

        def prepared(count: int, height: int, width: int, seed: int) -> dict:
            images = [scaled_input(landscape(image)[0], self.info) for image in seeded_images(count, height, width,
                                                                                               3, seed)]
            return {"images": np.stack(images)}

        free = {0: "batch", 2: "height", 3: "width"}
        scale = float(self.info["scale"])
        h, w = (round(side / scale) for side in self.info["train_size"])  # a picture the size of the training ones
        return ExportGraph(
            PlainOutputs(self.model, lambda logits: (torch.sigmoid(logits[:, :1]), logits)), prepared(2, 96, 128, 0),
            [prepared(3, 120, 160, 1), prepared(1, h, w, 2)], ("edges", "logits"),
            {"images": free, "edges": free, "logits": free},
            "images: float32 (batch, 3, height, width) RGB in [0, 1], landscape (turn a portrait image first), "
            f"resized by the training scale {float(self.info['scale']):g} (the model normalises inside); edges: "
            "(batch, 1, height, width) edge probability; logits: (batch, 4, height, width), the fused map then the "
            "local, half-resolution and recurrent context branches")
