"""A segment checkpoint: class maps of image files of any size, at their own size, and evaluation."""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from engine.errors import DataError
from engine.image_outputs import plan_images, write_image_results
from engine.tasks.loaded import LoadedModel
from engine.tasks.segment import SPEC

OVERLAY_ALPHA = 0.5


class SegmentPredictor(LoadedModel):
    SPEC = SPEC
    IMAGE_OUTPUTS = ("mask", "overlay")  # <stem>_mask.png, <stem>_overlay.png
    RESULTS_KEY = "masks"  # predict --json: {"masks": [...]}
    EVAL_BATCH = 16

    @property
    def class_names(self) -> list[str]:
        return list(self.info["class_names"])

    def mask(self, image: np.ndarray) -> np.ndarray:
        """uint8 (H, W, 3) RGB -> uint8 (H, W) class ids at the image's size."""
        return self.task.predict_mask(self.model, image, self.info, self.device)[0]

    def probabilities(self, image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(class map, foreground probability) at the image's size."""
        return self.task.predict_mask(self.model, image, self.info, self.device)

    def inside(self, data, index: int) -> list:
        """The Inside tab's ReNet sweep maps of image `index` of the window's loaded segmentation data (its test
        images, else its training images), at the training size."""
        samples = data.test or data.train
        index = int(index) % len(samples)
        meta = {"index": index, "name": samples[index].name}
        return [self.task.sweep_probe(self.model, samples[index].image, self.info, self.device, meta)]

    def overlay(self, image: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """The image with every non-background pixel tinted in its class colour (uint8 RGB)."""
        colours = np.asarray(self.info["colours"], np.float32)
        tinted = image.astype(np.float32)
        fg = mask != 0
        tinted[fg] = (1 - OVERLAY_ALPHA) * tinted[fg] + OVERLAY_ALPHA * colours[mask[fg]]
        return np.round(tinted).astype(np.uint8)

    def predict_files(self, paths: list[str], out: str | Path, overwrite: bool = False) -> list[dict]:
        """Write <stem>_mask.png (class ids; 0 / 255 for two classes) and <stem>_overlay.png into `out`, never
        over an input and, without `overwrite`, never over an existing file (engine.output_plan)."""
        return self.write_planned(plan_images(paths, out, self.IMAGE_OUTPUTS, overwrite), overwrite)

    def write_planned(self, planned, overwrite: bool = False) -> list[dict]:
        """The masks of images whose outputs engine.output_plan has already placed and checked."""
        binary = int(self.info["classes"]) == 2

        def make(image):
            mask = self.mask(image)
            counts = np.bincount(mask.ravel(), minlength=int(self.info["classes"]))
            pictures = [("mask", mask * 255 if binary else mask),
                        ("overlay", cv2.cvtColor(self.overlay(image, mask), cv2.COLOR_RGB2BGR))]
            return pictures, {"fractions": {n: float(c) / mask.size for n, c in zip(self.class_names, counts)}}

        return write_image_results(planned, make, overwrite)

    def test_data(self, spec: str):
        """The spec's test split (all its images when it has none), each image scored at its own size."""
        from engine.data.masks import load_masks
        from engine.tasks.segment.task import test_split

        data = load_masks(spec)
        self.skipped = list(data.skipped)
        if len(data.class_names) != int(self.info["classes"]):
            raise DataError(f"{spec} has {len(data.class_names)} classes but the model has {self.info['classes']}.",
                            "Evaluate on data with the model's classes: " + ", ".join(self.class_names) + ".")
        return test_split(data.test or data.train, self.info["train_size"])

    def export_graph(self):
        """The segmenter for engine.model_export: images resized to the training size as `mask` does -> logits and
        class probabilities at that size; any batch size and image size."""
        import torch

        from engine.export_graph import ExportGraph, PlainOutputs, seeded_images

        def prepared(count: int, size: tuple[int, int], seed: int) -> dict:
            images = [cv2.resize(image, (size[1], size[0]), interpolation=cv2.INTER_AREA)
                      for image in seeded_images(count, 90, 130, 3, seed)]
            return {"images": np.ascontiguousarray(np.stack(images).transpose(0, 3, 1, 2), np.float32) / 255}

        h, w = (int(v) for v in self.info["train_size"])
        free = {0: "batch", 2: "height", 3: "width"}
        return ExportGraph(
            PlainOutputs(self.model, lambda logits: (logits, torch.softmax(logits, 1))), prepared(2, (h, w), 0),
            [prepared(3, (h, w), 1), prepared(1, (h * 3 // 4 + 3, w + 8), 2)], ("logits", "probabilities"),
            {"images": free, "logits": free, "probabilities": free},
            f"images: float32 (batch, 3, height, width) RGB in [0, 1], resized to the training size {w}x{h} "
            "(area interpolation; the model normalises inside); logits and probabilities: (batch, classes, height, "
            "width) in the order of class_names (resize the logits back to the image, then argmax)")
