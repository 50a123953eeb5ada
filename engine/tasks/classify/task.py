"""Image classification read as a sequence (rows, columns or pixels) by an RNN / LSTM / GRU."""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from engine.tasks.progress import batch_starts
from engine.augment import random_affine
from engine.data import load_classification, train_val_split
from engine.events import Snapshot
from engine.dynamics import trajectories_snapshot
from engine.gradients import grad_norms_through_time, stack_source
from engine.models.classifier import SequenceClassifier
from engine.models.sequence import sequence_length
from engine.models.sizes import classifier_parameters
from engine.data.images import dark_background
from engine.tasks.base import Prepared, Task, probe_split
from engine.tasks.classify import SPEC


def task_options(config) -> dict:
    """The classify task's options with defaults; ConfigError for an unknown name or value."""
    return SPEC.read_options(config.options)


def _tensors(image_set) -> tuple[torch.Tensor, torch.Tensor]:
    images = torch.from_numpy(np.ascontiguousarray(image_set.images.transpose(0, 3, 1, 2), dtype=np.float32))
    return images, torch.from_numpy(image_set.labels.astype(np.int64))


@torch.no_grad()
def classification_results(model, inputs: torch.Tensor, labels: torch.Tensor, device, chunk: int, progress=None):
    """(metrics, details) of a classifier over inputs, run `chunk` at a time: loss, accuracy, predictions,
    confidences and the confusion matrix (rows true class, columns predicted); progress: see tasks/progress.py."""
    model.eval()
    probs = torch.cat([torch.softmax(model(inputs[s:s + chunk].to(device)).float(), 1).cpu()
                       for s in batch_starts(len(inputs), chunk, progress)])
    true, probs_np = labels.numpy(), probs.numpy()
    pred, classes = probs_np.argmax(1), probs_np.shape[1]
    confusion = np.bincount(true * classes + pred, minlength=classes * classes).reshape(classes, classes)
    metrics = {"loss": float(F.nll_loss(torch.log(probs.clamp_min(1e-12)), labels)),
               "accuracy": float((pred == true).mean())}
    details = {"true": true, "pred": pred, "confidence": probs_np.max(1), "probabilities": probs_np,
               "confusion": confusion, "per_class_accuracy": np.diag(confusion) / np.maximum(confusion.sum(1), 1)}
    return metrics, details


class LabelTraining:
    """Training on one class label per sample: cross-entropy loss, accuracy as the running figure."""

    def loss(self, output, target):
        return F.cross_entropy(output, target)

    def batch_stats(self, output, target) -> dict:
        return {"correct": (output.argmax(1) == target).sum()}

    def train_metrics(self, sums, count) -> dict:
        return {"accuracy": float(sums["correct"]) / max(count, 1)}


class ClassifyTask(LabelTraining, Task):
    name = SPEC.name
    selection_metric = SPEC.selection_metric

    def prepare(self, config, progress=None, cancel=None, splits=None) -> Prepared:
        task_options(config)  # before loading: a typo in an option is refused at once
        if splits is None:  # the window hands over what it already loaded
            splits = load_classification(config.data, progress=progress, cancel=cancel)
        train_idx, val_idx = train_val_split(len(splits.train), config.val_fraction, config.seed)
        train = splits.train.subset(train_idx)
        h, w, c = train.image_shape
        info = {
            "task": self.name, "data": config.data, "dataset": splits.name,
            "image_shape": [c, h, w], "classes": len(train.class_names),
            "class_names": list(train.class_names), "read": config.read,
            "mean": float(train.images.mean()), "std": float(train.images.std() or 1.0),
            "dark_background": dark_background(train.images[:500]),
        }
        notes = list(splits.notes)
        if splits.test is None:
            notes.append("This data has no test split: test figures are left out (validation only).")
        return Prepared(
            train=_tensors(train),
            val=_tensors(splits.train.subset(val_idx)) if len(val_idx) else None,
            test=_tensors(splits.test) if splits.test is not None else None,
            info=info, notes=notes, skipped=list(splits.skipped),
        )

    def build_model(self, config, info) -> SequenceClassifier:
        model = SequenceClassifier(tuple(info["image_shape"]), info["classes"], config.cell, config.hidden,
                                   config.layers, config.bidirectional, config.dropout, info["read"],
                                   info["mean"], info["std"])
        # option gate_init=chrono: LSTM / GRU gates start open for long sequences (engine/models/recurrent.py);
        # read leniently here: prepare() checked the run's options, and a checkpoint's must still load
        if SPEC.option_value(config.options, "gate_init") == "chrono":
            c, h, w = info["image_shape"]
            model.rnn.open_gates(sequence_length(h, w, c, info["read"])[0])
        return model

    def parameter_count(self, config, info) -> int:
        return classifier_parameters(tuple(info["image_shape"]), info["classes"], config.cell, config.hidden,
                                        config.layers, config.bidirectional, config.read)

    def augment(self, inputs, config):
        return random_affine(inputs) if config.augment else inputs

    @torch.no_grad()
    def evaluate(self, model, data, device, batch, progress=None):
        images, labels = data
        return classification_results(model, images, labels, device, max(batch, 256), progress)

    def probe(self, model, prepared, index, device):
        """States for sample `index` of the probe set: the test split, else validation, else training."""
        images, labels = probe_split(prepared)[1]
        index = int(index) % len(images)
        names = prepared.info["class_names"]
        return self.probe_image(model, images[index].permute(1, 2, 0).numpy(), names[int(labels[index])],
                                prepared.info, device, index)

    @torch.no_grad()
    def probe_image(self, model, image: np.ndarray, label: str, info: dict, device, index: int = 0) -> Snapshot:
        """One forward pass of one (H, W, C) image giving its prediction and every step's states."""
        was_training = model.training
        model.eval()
        x = torch.from_numpy(np.ascontiguousarray(image.transpose(2, 0, 1), dtype=np.float32))[None].to(device)
        logits, states = model(x, return_states=True)
        model.train(was_training)
        probs = torch.softmax(logits.float(), 1)[0].cpu().numpy()
        arrays = {"image": np.asarray(image, np.float32), "probabilities": probs}
        arrays.update({name: value[-1, 0].float().cpu().numpy() for name, value in states.items()})
        names = info["class_names"]
        return Snapshot("hidden", arrays, {
            "states": list(states), "read": info["read"], "index": index, "label": label,
            "prediction": names[int(probs.argmax())], "confidence": float(probs.max()),
            "class_names": names, "layer": model.rnn.layers,
        })

    def result_snapshots(self, prepared, details):
        images = prepared.test[0].permute(0, 2, 3, 1).numpy()
        wrong = np.flatnonzero(details["pred"] != details["true"])
        mistakes = wrong[np.argsort(-details["confidence"][wrong])]  # most confident mistakes first
        arrays = {"images": images, "mistakes": mistakes,
                  **{k: details[k] for k in ("true", "pred", "confidence", "probabilities", "confusion",
                                             "per_class_accuracy")}}
        return [Snapshot("prediction", arrays, {"class_names": prepared.info["class_names"], "split": "test"})]

    def grad_norms(self, model, inputs, targets):
        return grad_norms_through_time(model, model.rnn, inputs, targets, self.loss)

    def grad_source(self, config):
        return stack_source(config.layers, config.bidirectional, config.read)

    def model_snapshots(self, model, prepared, device):
        return [trajectories_snapshot(model, prepared, device, model.rnn.cell)]

    @torch.no_grad()
    def predict(self, model, images: np.ndarray, device) -> np.ndarray:
        """(N, H, W, C) float [0, 1] prepared like training -> (N, classes) probabilities."""
        model.eval()
        x = torch.from_numpy(np.ascontiguousarray(images.transpose(0, 3, 1, 2), dtype=np.float32)).to(device)
        return torch.softmax(model(x).float(), 1).cpu().numpy()


TASK = ClassifyTask()
