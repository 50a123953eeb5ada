"""A classify checkpoint applied to new images, prepared exactly as in training (size, channels, ink)."""
from __future__ import annotations

import numpy as np
import torch

from engine.data import DataSpec, load_classification, read_image
from engine.data.images import conform, dark_background
from engine.errors import DataError
from engine.tasks.classify import SPEC
from engine.tasks.loaded import LoadedModel


class Predictor(LoadedModel):
    SPEC = SPEC
    RESULTS_KEY = "predictions"  # predict --json: {"predictions": [...]}
    EVAL_BATCH = 256

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

    def test_data(self, spec: str) -> tuple[torch.Tensor, torch.Tensor]:
        """(images (N, C, H, W), labels) of the spec's test split (all of it when the source has none, e.g. a
        folder), conformed to the training images."""
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
        return images, torch.from_numpy(data.labels)

    def inside(self, data, index: int) -> list:
        """The Inside tab's per-step states of image `index` of the window's loaded images (their test split, else
        their training split)."""
        images = data.test or data.train
        index = int(index) % len(images)
        return [self.inspect(images.images[index], images.class_names[int(images.labels[index])], index)]

    def inspect(self, image: np.ndarray, label: str = "", index: int = 0):
        """A "hidden" Snapshot (prediction + per-step states) for one (H, W, C) image."""
        prepared, _ = self.prepare(image[None])
        return self.task.probe_image(self.model, prepared[0], label, self.info, self.device, index)

    def export_graph(self):
        """The classifier for engine.model_export: images prepared as `prepare` does -> logits and probabilities,
        any batch size (the image size is the training one: the recurrence reads rows of its width)."""
        from engine.export_graph import ExportGraph, PlainOutputs, seeded_images

        c, h, w = self.info["image_shape"]

        def prepared(count: int, seed: int) -> dict:
            images = seeded_images(count, h + 5, w + 3, c, seed).astype(np.float32) / 255  # conformed to h x w
            return {"images": np.ascontiguousarray(self.prepare(images)[0].transpose(0, 3, 1, 2), np.float32)}

        batch = {0: "batch"}
        return ExportGraph(
            PlainOutputs(self.model, lambda logits: (logits, torch.softmax(logits, 1))), prepared(2, 0),
            [prepared(5, 1), prepared(1, 2)], ("logits", "probabilities"),
            {"images": batch, "logits": batch, "probabilities": batch},
            f"images: float32 (batch, {c}, {h}, {w}) in [0, 1], {'grey' if c == 1 else 'RGB'}, resized to {w}x{h}"
            f" and with {'light ink on a dark' if self.info.get('dark_background', True) else 'dark ink on a light'}"
            " background as in training (the model normalises inside); logits and probabilities: (batch, "
            f"{len(self.class_names)}) in the order of class_names",
            score=self.score_exported)

    def score_exported(self, spec: str, run) -> dict:
        """Accuracy on the spec's test split of this model in torch and of `run` (an ONNX session's run on
        {"images": batch}), the images prepared as `evaluate` prepares them."""
        images, labels = self.test_data(spec)
        truth = labels.numpy()
        torch_answers, onnx_answers = [], []
        for start in range(0, len(images), self.EVAL_BATCH):
            batch = images[start:start + self.EVAL_BATCH].float()
            with torch.no_grad():
                torch_answers.append(self.model(batch.to(self.device)).argmax(1).cpu().numpy())
            onnx_answers.append(run({"images": batch.numpy()})[0].argmax(1))
        torch_answers, onnx_answers = np.concatenate(torch_answers), np.concatenate(onnx_answers)
        return {"samples": len(truth), "torch_accuracy": float((torch_answers == truth).mean()),
                "onnx_accuracy": float((onnx_answers == truth).mean()),
                "same_predictions": int((torch_answers == onnx_answers).sum())}
