"""Edge maps: per-pixel boundary probability from a ReNet edge detector (engine/models/edge_net.py).

Data: bsds:DIR (train on BSDS500 train + val, test on test), pairs:IMGDIR,EDGEDIR, images:DIR (see
engine/data/edge_data.py); targets human / canny / sobel: targets.py; the options: the SPEC in __init__.py.

Loss: class-balanced binary cross-entropy as in HED (Xie & Tu 2015), per image: with P the (soft) count of
edge pixels and N the rest, positives weigh N/(P+N) and negatives P/(P+N). Edges are ~2 % of the pixels, so
an unweighted loss learns to say "no edge" everywhere. We scale both weights by (P+N)^2 / (2 P N), which keeps
HED's ratio and makes the value read like a plain BCE (0.69 for a coin toss). The fused map and each side
output (local, half, context) get this loss; the sides weigh SIDE_WEIGHT = 0.5 each.

Metrics: loss, and `f1` (the selection metric): pixels with p >= 0.5 against target pixels >= 0.5, each side
allowed a 2-pixel slack at the training scale (a max-pool), cheap enough for every batch. The test split
also runs the BSDS benchmark at full resolution (maps upsampled, thinned by non-maximum suppression):
ods, ois, ap, and the same for Canny and Sobel on the same images (canny_ods, ...).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
import torch
import torch.nn.functional as F

from engine.tasks.progress import batch_starts, each_item
from engine.data.edge_data import EdgeData, load_edges
from engine.data.loading import train_val_split
from engine.edges.nms import non_max_suppression
from engine.events import Snapshot
from engine.gradients import SWEEP_SOURCE, sweep_grad_norms
from engine.models.edge_net import OUTPUTS, EdgeReNet
from engine.sweep_states import forward_with_sweeps, sweeps_snapshot
from engine.tasks.base import Prepared, Task, probe_split
from engine.tasks.edges import SPEC, benchmark as bench, targets

SLACK = 2  # pixels at the training scale either side, for the cheap f1
SHOWN = 4  # test images in the result snapshots
SIDE_WEIGHT = 0.5  # loss weight of each side output next to the fused map's 1


class EdgeTest(NamedTuple):
    """The test split: training-scale tensors (for loss / f1) and the full-size images and annotations."""
    inputs: torch.Tensor
    targets: torch.Tensor
    images: list  # uint8 (H, W, 3) RGB, as read
    truths: list | None  # per image, one bool (H, W) map per annotator
    names: list
    settings: dict  # scale, test_scales, bench_thresholds, baselines: how to predict and score at full size


def test_arrays(image: np.ndarray, prob: np.ndarray, truths) -> dict:
    """A test image's pictures for the window at its own size: the input, the recurrent map and its thinned
    lines, Canny, Sobel, and where annotators drew boundaries, "truth": the share of them marking each pixel."""
    arrays = {"image": image.astype(np.float32) / 255, "model": prob, "thin": non_max_suppression(prob),
              "canny": bench.canny(image), "sobel": bench.sobel(image)}
    if truths:
        arrays["truth"] = np.mean([np.asarray(t, np.float32) for t in truths], axis=0)
    return arrays


class EdgesTask(Task):
    name = SPEC.name
    selection_metric = SPEC.selection_metric
    steps_are = SPEC.steps  # a gradient step is one step of a sweep

    def prepare(self, config, progress=None, cancel=None, splits=None) -> Prepared:
        # the window may hand over what it loaded; anything but edge data (class folders) is read afresh
        data = splits if isinstance(splits, EdgeData) else load_edges(config.data, progress=progress, cancel=cancel)
        options = targets.task_options(config, data.annotated)
        size = targets.training_size(data.train, options["scale"])
        train_idx, val_idx = train_val_split(len(data.train), config.val_fraction, config.seed)
        train = targets.tensors([data.train[i] for i in train_idx], size, options, cancel)
        x = train[0]
        info = {"task": self.name, "data": config.data, "dataset": data.name, "train_size": list(size),
                "mean": x.mean((0, 2, 3)).tolist(), "std": x.std((0, 2, 3)).clamp_min(1e-3).tolist(),
                "edge_fraction": float((train[1] >= 0.5).float().mean()), **options}
        val = targets.tensors([data.train[i] for i in val_idx], size, options, cancel) if len(val_idx) else None
        test = self.test_split(data.test, size, options, cancel) if data.test else None
        notes = list(data.notes)
        if test is None:
            notes.append("This data has no test split: no benchmark (validation figures only).")
        elif test.truths is None:
            notes.append("The test images have no annotations: test figures are against the target, no benchmark.")
        return Prepared(train, val, test, info, notes, list(data.skipped))

    @staticmethod
    def test_split(samples, size, options: dict, cancel=None) -> EdgeTest:
        """The test split of `samples` for the training size and options (a checkpoint's info will do)."""
        inputs, target = targets.tensors(samples, tuple(size), options, cancel)
        truths = [s.truths for s in samples] if all(s.truths is not None for s in samples) else None
        settings = {k: options.get(k, SPEC.default(k))
                    for k in ("scale", "test_scales", "bench_thresholds", "baselines")}
        return EdgeTest(inputs, target, [s.image for s in samples], truths, [s.name for s in samples], settings)

    def build_model(self, config, info) -> EdgeReNet:
        return EdgeReNet(config.cell, config.hidden, config.layers, config.bidirectional, config.dropout,
                         int(info["width"]), info["mean"], info["std"])

    def parameter_count(self, config, info) -> int:
        return sum(p.numel() for p in self.build_model(config, info).parameters())

    def augment_batch(self, inputs, target, config):
        """Random left-right and up-down flips, the same for an image and its target."""
        if not config.augment:
            return inputs, target
        for dim in (-1, -2):
            flip = (torch.rand(len(inputs), device=inputs.device) < 0.5).view(-1, 1, 1, 1)
            inputs, target = torch.where(flip, inputs.flip(dim), inputs), torch.where(flip, target.flip(dim), target)
        return inputs, target

    def loss(self, output, target):
        return balanced_bce(output, target)

    def batch_stats(self, output, target) -> dict:
        return f1_counts(output[:, :1], target)

    def train_metrics(self, sums, count) -> dict:
        return f1_scores(sums)

    @torch.no_grad()
    def evaluate(self, model, data, device, batch, progress=None):
        model.eval()
        inputs, target = data[0], data[1]
        loss, sums, size = 0.0, {}, max(1, min(batch, 16))
        for start in batch_starts(len(inputs), size, progress):
            x, y = inputs[start:start + size].to(device), target[start:start + size].to(device)
            output = model(x).float()
            loss += float(balanced_bce(output, y)) * len(x)
            for key, value in f1_counts(output[:, :1], y).items():
                sums[key] = sums.get(key, 0.0) + float(value)
        metrics = {"loss": loss / max(len(inputs), 1), **f1_scores(sums)}
        details = {}
        if isinstance(data, EdgeTest) and data.truths is not None:
            settings = data.settings
            maps = [self.predict_map(model, image, settings, device)
                    for image in each_item(data.images, progress, "edge maps")]
            thresholds = int(settings["bench_thresholds"])
            result = bench.benchmark([non_max_suppression(m) for m in maps], data.truths, thresholds, "recurrent",
                                     progress)
            metrics.update({k: v for k, v in bench.scores(result).items()})
            details = {"maps": maps[:SHOWN], "precision": result["precision"], "recall": result["recall"]}
            if settings["baselines"]:
                figures, curves = bench.baselines(data.images, data.truths, thresholds, report=progress)
                metrics.update(figures)
                details.update(curves)
        return metrics, details

    def probe(self, model, prepared, index, device):
        """The edge map of one probe image (test, else validation, else training) beside Canny and Sobel, and its
        ReNet sweeps as maps (engine/sweep_states.py), from one forward pass."""
        data = probe_split(prepared)[1]
        index = int(index) % len(data[0])
        name = data.names[index] if isinstance(data, EdgeTest) else str(index)
        image = np.ascontiguousarray(data[0][index].permute(1, 2, 0).numpy())
        logits, layers = forward_with_sweeps(model, data[0][index:index + 1].to(device))
        probs = torch.sigmoid(logits.float())[0].cpu().numpy()
        rgb = np.round(image * 255).astype(np.uint8)
        arrays = {"image": image, "model": probs[0], "context": probs[OUTPUTS.index("context")],
                  "canny": bench.canny(rgb), "sobel": bench.sobel(rgb), "target": data[1][index, 0].numpy()}
        meta = {"index": index, "name": name}
        return [Snapshot("edge_map", arrays, {**meta, "target_kind": prepared.info["target"], "scale": "training",
                                              "outputs": list(OUTPUTS)}),
                sweeps_snapshot(layers, image, model.renet.layers[0].cell, meta)]

    def sweep_probe(self, model, image: np.ndarray, info: dict, device, meta: dict) -> Snapshot:
        """The ReNet sweeps of a uint8 (H, W, 3) RGB image of any size, brought to the training size as in
        training (turned landscape, resized): the Inside tab's maps for a loaded model."""
        small = targets.resize_image(targets.landscape(image)[0], tuple(info["train_size"]))
        x = torch.from_numpy(small.transpose(2, 0, 1).astype(np.float32) / 255)[None]
        _, layers = forward_with_sweeps(model, x.to(device))
        return sweeps_snapshot(layers, x[0].permute(1, 2, 0).numpy(), model.renet.layers[0].cell, meta)

    def grad_norms(self, model, inputs, targets):
        return sweep_grad_norms(model, inputs, targets, self.loss)

    def grad_source(self, config):
        return SWEEP_SOURCE

    def result_snapshots(self, prepared, details):
        if not details.get("maps"):
            return []
        test = prepared.test
        truths = test.truths or [None] * len(test.images)
        shots = [Snapshot("edge_map", test_arrays(test.images[i], prob, truths[i]),
                          {"index": i, "name": test.names[i], "split": "test", "scale": "full"})
                 for i, prob in enumerate(details["maps"])]
        curves = {k: np.asarray(v, np.float32) for k, v in details.items() if k.endswith(("precision", "recall"))}
        # every test image's name: the window computes any of them on demand (EdgePredictor.test_item)
        shots.append(Snapshot("pr_curve", curves, {"split": "test", "curves": ["", "canny_", "sobel_"],
                                                   "names": list(test.names)}))
        return shots

    @torch.no_grad()
    def predict_map(self, model, image: np.ndarray, info: dict, device) -> np.ndarray:
        """uint8 (H, W, 3) RGB of any size -> float32 (H, W) edge probability at the image's own size.

        The image is turned landscape as in training, resized by the training `scale` times each of
        `test_scales` (multi-scale testing, as in HED / RCF: the mean of the maps), and the map resized
        to the image and turned back."""
        model.eval()
        upright, turned = targets.landscape(image)
        h, w = upright.shape[:2]
        total = torch.zeros(1, 1, h, w)
        factors = info.get("test_scales", [1.0])
        for factor in factors:
            x = torch.from_numpy(scaled_input(upright, info, factor))[None].to(device)
            prob = torch.sigmoid(model(x)[:, :1].float())
            total += F.interpolate(prob, size=(h, w), mode="bilinear", align_corners=False).cpu()
        prob = (total / len(factors))[0, 0].numpy()
        return np.ascontiguousarray(prob.T if turned else prob)


def scaled_input(upright: np.ndarray, info: dict, factor: float = 1.0) -> np.ndarray:
    """A landscape uint8 (H, W, 3) RGB image as the model reads it: float32 (3, h, w) in [0, 1], resized by the
    training `scale` times `factor` (at least 8 pixels a side)."""
    h, w = upright.shape[:2]
    scale = float(info["scale"]) * float(factor)
    small = targets.resize_image(upright, (max(8, round(h * scale)), max(8, round(w * scale))))
    return small.transpose(2, 0, 1).astype(np.float32) / 255


def balanced_bce(logits: torch.Tensor, target: torch.Tensor, side_weight: float = SIDE_WEIGHT) -> torch.Tensor:
    """HED's class-balanced BCE per image (see the module docstring) on every output channel."""
    y = target.float()
    pixels = y[0].numel()
    pos = y.sum((1, 2, 3), keepdim=True).clamp(1.0, pixels - 1.0) / pixels  # fraction of edge pixels
    w_pos, w_neg = 0.5 / pos, 0.5 / (1 - pos)
    weights = torch.tensor([1.0] + [side_weight] * (logits.shape[1] - 1), device=logits.device)
    total = 0.0
    for k in range(logits.shape[1]):
        z = logits[:, k:k + 1].float()
        per_pixel = w_pos * y * F.softplus(-z) + w_neg * (1 - y) * F.softplus(z)  # -log p, -log (1 - p)
        total = total + weights[k] * per_pixel.mean()
    return total / weights.sum()


def f1_counts(logits: torch.Tensor, target: torch.Tensor) -> dict:
    """Sums for precision / recall with a SLACK-pixel tolerance: p >= 0.5 against target >= 0.5."""
    pred, truth = (logits >= 0).float(), (target >= 0.5).float()
    k = 2 * SLACK + 1
    near_truth, near_pred = F.max_pool2d(truth, k, 1, SLACK), F.max_pool2d(pred, k, 1, SLACK)
    return {"hit_pred": (pred * near_truth).sum(), "pred": pred.sum(),
            "hit_truth": (truth * near_pred).sum(), "truth": truth.sum()}


def f1_scores(sums: dict) -> dict:
    precision = float(sums.get("hit_pred", 0)) / max(float(sums.get("pred", 0)), 1.0)
    recall = float(sums.get("hit_truth", 0)) / max(float(sums.get("truth", 0)), 1.0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    return {"f1": f1, "precision": precision, "recall": recall}


TASK = EdgesTask()
