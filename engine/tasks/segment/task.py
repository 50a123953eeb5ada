"""Segmentation: a class for every pixel, from a ReSeg-style recurrent segmenter (engine/models/seg_net.py).

Data: pairs:IMGDIR,MASKDIR, weizmann:DIR (fixed split: first 200 train + validation, last 128 test), shapes
(built-in demo); mask conversions and bad-file handling in engine/data/masks.py.

Tensors must be one shape for the Trainer: every image is resized to the training size (option `side`, the
longer side, default 112 px; the shorter from the data's median aspect ratio, both multiples of 8), its mask
by nearest neighbour. Validation is scored at that size; the test split at each image's own size (logits
upsampled bilinearly, then the arg-max), as `predict` does.

Loss: cross-entropy (void pixels ignored) + `dice` x (1 - soft Dice), the soft Dice averaged over the
non-background classes: the Dice term keeps thin, small foreground (legs of a horse) from being given up
to the background majority. Augmentation, image and mask together: left-right flips (up-down too with
`vflip`), a random zoom of 1 to `zoom` times with a random crop back to the training size, and a small
brightness / contrast change of the image. Metrics: metrics.py; selection metric miou. The options: the
SPEC in __init__.py.
"""
from __future__ import annotations

from typing import NamedTuple

import cv2
import numpy as np
import torch
import torch.nn.functional as F

from engine.tasks.progress import batch_starts
from engine.data.loading import check_cancel, train_val_split
from engine.data.masks import SegData, load_masks
from engine.events import Snapshot
from engine.gradients import SWEEP_SOURCE, sweep_grad_norms
from engine.models.seg_net import SegReNet
from engine.sweep_states import forward_with_sweeps, sweeps_snapshot
from engine.tasks.base import Prepared, Task, probe_split
from engine.tasks.segment import SPEC, metrics as sm
WORST = 24  # test images in the worst-first result snapshots
SHOWN_SIDE = 192  # longer side of the pictures in the result snapshots


class SegTest(NamedTuple):
    """The test split: training-size tensors, and each image and mask at its own size."""
    inputs: torch.Tensor
    targets: torch.Tensor
    images: list  # uint8 (H, W, 3) RGB
    masks: list  # uint8 (H, W) class ids
    names: list


class SegmentTask(Task):
    name = SPEC.name
    selection_metric = SPEC.selection_metric
    steps_are = SPEC.steps  # a gradient step is one step of a sweep
    dice_weight = SPEC.default("dice")  # the loss has no config: set from the run's options by build_model

    def prepare(self, config, progress=None, cancel=None, splits=None) -> Prepared:
        data = splits if isinstance(splits, SegData) else load_masks(config.data, progress=progress, cancel=cancel)
        options = task_options(config)
        size = training_size(data.train, options["side"])
        train_idx, val_idx = train_val_split(len(data.train), config.val_fraction, config.seed)
        train = tensors([data.train[i] for i in train_idx], size, cancel)
        x = train[0]
        info = {"task": self.name, "data": config.data, "dataset": data.name, "train_size": list(size),
                "classes": len(data.class_names), "class_names": list(data.class_names),
                "colours": [list(map(int, c)) for c in data.colours],
                "mean": x.mean((0, 2, 3)).tolist(), "std": x.std((0, 2, 3)).clamp_min(1e-3).tolist(), **options}
        val = tensors([data.train[i] for i in val_idx], size, cancel) if len(val_idx) else None
        test = test_split(data.test, size, cancel) if data.test else None
        notes = list(data.notes) + ([] if test else ["This data has no test split: validation figures only."])
        return Prepared(train, val, test, info, notes, list(data.skipped))

    def build_model(self, config, info) -> SegReNet:
        self.dice_weight = float(info.get("dice", SPEC.default("dice")))
        return SegReNet(int(info["classes"]), config.cell, config.hidden, config.layers, config.bidirectional,
                        config.dropout, int(info["width"]), int(info["patch"]), info["mean"], info["std"])

    def parameter_count(self, config, info) -> int:
        return sum(p.numel() for p in self.build_model(config, info).parameters())

    def augment_batch(self, inputs, target, config):
        if not config.augment:
            return inputs, target
        options = task_options(config)
        n, dev = len(inputs), inputs.device
        zoom = 1 + torch.rand(n, device=dev) * (max(options["zoom"], 1.0) - 1)
        room = 1 - 1 / zoom  # how far the crop's centre may move (grid units) and stay inside
        theta = torch.zeros(n, 2, 3, device=dev)
        flip_x = torch.where(torch.rand(n, device=dev) < 0.5, -1.0, 1.0)
        flip_y = torch.where(torch.rand(n, device=dev) < 0.5, -1.0, 1.0) if options["vflip"] else 1.0
        theta[:, 0, 0], theta[:, 1, 1] = flip_x / zoom, flip_y / zoom
        theta[:, 0, 2] = (torch.rand(n, device=dev) * 2 - 1) * room
        theta[:, 1, 2] = (torch.rand(n, device=dev) * 2 - 1) * room
        grid = F.affine_grid(theta, list(inputs.shape), align_corners=False)
        inputs = F.grid_sample(inputs, grid, mode="bilinear", padding_mode="border", align_corners=False)
        target = F.grid_sample(target[:, None].float(), grid, mode="nearest", padding_mode="border",
                               align_corners=False)[:, 0].round().long()
        gain = 1 + (torch.rand(n, 1, 1, 1, device=dev) - 0.5) * 0.2
        shift = (torch.rand(n, 1, 1, 1, device=dev) - 0.5) * 0.1
        return (inputs * gain + shift).clamp(0, 1), target

    def loss(self, output, target):
        return seg_loss(output, target, self.dice_weight)

    def batch_stats(self, output, target) -> dict:
        pred, keep = output.argmax(1), target != sm.VOID
        p, t = (pred != 0) & keep, (target != 0) & keep
        return {"correct": ((pred == target) & keep).sum(), "pixels": keep.sum(),
                "fg_inter": (p & t).sum(), "fg_union": (p | t).sum()}

    def train_metrics(self, sums, count) -> dict:
        pixels, union = float(sums.get("pixels", 0)), float(sums.get("fg_union", 0))
        return {"pixel_accuracy": float(sums.get("correct", 0)) / max(pixels, 1.0),
                "fg_iou": float(sums.get("fg_inter", 0)) / union if union else 1.0}

    @torch.no_grad()
    def evaluate(self, model, data, device, batch, progress=None):
        """Figures at the training size; for the test split at each image's own size (see the docstring)."""
        model.eval()
        inputs, target = data[0], data[1]
        full = isinstance(data, SegTest)
        loss, size, classes = 0.0, max(1, min(batch, 16)), None
        matrix, per_image, shown = None, [], []
        for start in batch_starts(len(inputs), size, progress):
            x, y = inputs[start:start + size].to(device), target[start:start + size].to(device)
            logits = model(x).float()
            classes = logits.shape[1]
            loss += float(seg_loss(logits, y, self.dice_weight)) * len(x)
            if matrix is None:
                matrix = torch.zeros(classes, classes, dtype=torch.int64)
            if not full:
                matrix += sm.confusion(logits.argmax(1), y, classes)
                continue
            for k in range(len(x)):
                i = start + k
                probs = upsampled(logits[k:k + 1], data.masks[i].shape)
                pred = probs.argmax(0)
                truth = torch.from_numpy(data.masks[i])
                matrix += sm.confusion(pred, truth, classes)
                pred = pred.numpy().astype(np.uint8)
                per_image.append(sm.image_iou(pred, data.masks[i]))
                shown.append((pred, 1 - probs[0].numpy()))
        metrics = {"loss": loss / max(len(inputs), 1), **sm.scores(matrix if matrix is not None else np.zeros((2, 2)))}
        details = {"confusion": matrix.numpy() if matrix is not None else np.zeros((2, 2), np.int64)}
        if full:
            details.update(image_iou=np.asarray(per_image, np.float32), shown=shown)
        return metrics, details

    def probe(self, model, prepared, index, device):
        """One image at the training size with its truth, the prediction and the foreground probability, and its
        ReNet sweeps as maps (engine/sweep_states.py), from one forward pass."""
        data = probe_split(prepared)[1]
        index = int(index) % len(data[0])
        logits, layers = forward_with_sweeps(model, data[0][index:index + 1].to(device))
        probs = torch.softmax(logits.float(), 1)[0].cpu()
        image = np.ascontiguousarray(data[0][index].permute(1, 2, 0).numpy())
        arrays = {"image": image, "truth": data[1][index].numpy().astype(np.int32),
                  "prediction": probs.argmax(0).numpy().astype(np.int32), "probability": 1 - probs[0].numpy()}
        meta = {"index": index, "name": data.names[index] if isinstance(data, SegTest) else str(index)}
        return [Snapshot("mask", arrays, {**meta, **_class_meta(prepared.info)}),
                sweeps_snapshot(layers, image, model.renet.layers[0].cell, meta)]

    def sweep_probe(self, model, image: np.ndarray, info: dict, device, meta: dict) -> Snapshot:
        """The ReNet sweeps of a uint8 (H, W, 3) RGB image of any size, resized to the training size as in
        training: the Inside tab's maps for a loaded model."""
        h, w = info["train_size"]
        small = cv2.resize(image, (w, h), interpolation=cv2.INTER_AREA).astype(np.float32) / 255
        _, layers = forward_with_sweeps(model, torch.from_numpy(small.transpose(2, 0, 1).copy())[None].to(device))
        return sweeps_snapshot(layers, small, model.renet.layers[0].cell, meta)

    def grad_norms(self, model, inputs, targets):
        return sweep_grad_norms(model, inputs, targets, self.loss)

    def grad_source(self, config):
        return SWEEP_SOURCE

    def result_snapshots(self, prepared, details):
        """The WORST test images by foreground IoU, worst first, and every test image's IoU in one array."""
        if "image_iou" not in details or not len(details["image_iou"]):
            return []
        test, ious = prepared.test, details["image_iou"]
        order = np.argsort(ious, kind="stable")
        shots = []
        for rank, i in enumerate(order[:WORST]):
            pred, prob = details["shown"][i]
            arrays = {"image": test.images[i], "truth": test.masks[i], "prediction": pred, "probability": prob}
            arrays = _shrunk(arrays)
            arrays["image"] = arrays["image"].astype(np.float32) / 255
            shots.append(Snapshot("mask", arrays, {"index": int(i), "name": test.names[i], "iou": float(ious[i]),
                                                      "rank": rank, "split": "test", **_class_meta(prepared.info)}))
        shots.append(Snapshot("mask_scores", {"iou": ious[order], "index": order.astype(np.int64)},
                              {"names": [test.names[i] for i in order], "split": "test", "metric": "fg_iou"}))
        return shots

    @torch.no_grad()
    def predict_mask(self, model, image: np.ndarray, info: dict, device) -> tuple[np.ndarray, np.ndarray]:
        """uint8 (H, W, 3) RGB of any size -> (uint8 class map, float32 foreground probability), (H, W) each."""
        model.eval()
        h, w = info["train_size"]
        small = cv2.resize(image, (w, h), interpolation=cv2.INTER_AREA)
        x = torch.from_numpy(small.transpose(2, 0, 1).astype(np.float32) / 255)[None].to(device)
        probs = upsampled(model(x).float(), image.shape[:2])
        return probs.argmax(0).numpy().astype(np.uint8), (1 - probs[0]).numpy()


def seg_loss(logits: torch.Tensor, target: torch.Tensor, dice_weight: float = 0.5) -> torch.Tensor:
    """Cross-entropy (void ignored) + dice_weight * (1 - mean soft Dice of the non-background classes)."""
    ce = F.cross_entropy(logits, target, ignore_index=sm.VOID)
    if dice_weight <= 0:
        return ce
    keep = (target != sm.VOID).unsqueeze(1).float()
    probs = torch.softmax(logits, 1) * keep
    onehot = F.one_hot(target.clamp_max(logits.shape[1] - 1), logits.shape[1]).permute(0, 3, 1, 2).float() * keep
    inter = (probs * onehot).sum((0, 2, 3))[1:]
    total = (probs + onehot).sum((0, 2, 3))[1:]
    dice = (2 * inter + 1) / (total + 1)
    return ce + dice_weight * (1 - dice.mean())


def upsampled(logits: torch.Tensor, shape) -> torch.Tensor:
    """(1, K, h, w) logits -> (K, H, W) class probabilities at `shape` (bilinear on the logits), on the CPU."""
    big = F.interpolate(logits, size=tuple(int(s) for s in shape), mode="bilinear", align_corners=False)
    return torch.softmax(big, 1)[0].cpu()


def task_options(config) -> dict:
    """The options (names, defaults and bounds: the SPEC) checked and completed with the defaults."""
    return SPEC.read_options(config.options)


def training_size(samples, side: int) -> tuple[int, int]:
    """(H, W): longer side `side` (or the data's median longer side when smaller), the data's median aspect
    ratio, both rounded to multiples of 8."""
    heights = np.array([s.image.shape[0] for s in samples], np.float64)
    widths = np.array([s.image.shape[1] for s in samples], np.float64)
    aspect = float(np.median(widths / heights))
    side = min(side, int(np.median(np.maximum(heights, widths))))
    h, w = (side / aspect, side) if aspect >= 1 else (side, side * aspect)
    return max(16, int(round(h / 8)) * 8), max(16, int(round(w / 8)) * 8)


def tensors(samples, size, cancel=None) -> tuple[torch.Tensor, torch.Tensor]:
    """(inputs float (N, 3, H, W) in [0, 1], targets int64 (N, H, W)) at the training size."""
    h, w = size
    inputs = np.empty((len(samples), 3, h, w), np.float32)
    targets = np.empty((len(samples), h, w), np.int64)
    for i, s in enumerate(samples):
        check_cancel(cancel)
        inputs[i] = cv2.resize(s.image, (w, h), interpolation=cv2.INTER_AREA).transpose(2, 0, 1) / 255.0
        targets[i] = cv2.resize(s.mask, (w, h), interpolation=cv2.INTER_NEAREST)
    return torch.from_numpy(inputs), torch.from_numpy(targets)


def test_split(samples, size, cancel=None) -> SegTest:
    inputs, targets = tensors(samples, tuple(size), cancel)
    return SegTest(inputs, targets, [s.image for s in samples], [s.mask for s in samples], [s.name for s in samples])


def _class_meta(info: dict) -> dict:
    return {"class_names": list(info["class_names"]), "colours": [list(c) for c in info["colours"]]}


def _shrunk(arrays: dict) -> dict:
    h, w = arrays["truth"].shape
    factor = SHOWN_SIDE / max(h, w)
    if factor >= 1:
        return dict(arrays)
    size = (max(1, round(w * factor)), max(1, round(h * factor)))
    return {k: cv2.resize(v, size, interpolation=cv2.INTER_AREA if k in ("image", "probability") else cv2.INTER_NEAREST)
            for k, v in arrays.items()}


TASK = SegmentTask()
