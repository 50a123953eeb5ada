"""Task "video-classify": name what a short clip shows. A small convolutional encoder reads every frame,
an LSTM / GRU / RNN reads the encodings in time, its last state names the class.

Data: `moving` / `moving:N` (one bouncing digit per clip; option label=digit (default) or label=direction,
the heading among 8 compass directions) or `videos:DIR` (DIR/<class>/<videos>). Option length (default 10):
frames per clip.
"""
from __future__ import annotations

import numpy as np
import torch
from torch import nn

from engine.data.base import DataSpec, check_options
from engine.data.sequence_bounds import MAX_SEQUENCES, moving_side
from engine.data.sequences import DIRECTIONS, MOVING_OPTIONS, SequenceSet, SequenceSplits, _split, \
    generate_moving_digits, load_sequences, _digit_source, _int
from engine.errors import DataError
from engine.events import Snapshot
from engine.gradients import grad_norms_through_time, stack_source
from engine.models.recurrent import RecurrentStack
from engine.tasks.base import Prepared, Task, probe_split
from engine.tasks.classify.task import LabelTraining, classification_results
from engine.tasks.video_classify import SPEC
CLIP_OPTIONS = {k: v for k, v in MOVING_OPTIONS.items() if k != "digits"}  # for generated clips (moving:N)


class ClipClassifier(nn.Module):
    def __init__(self, channels: int, size: tuple[int, int], classes: int, cell: str, hidden: int, layers: int,
                 dropout: float = 0.0):
        super().__init__()
        self.encoder = nn.Sequential(  # keeps a coarse map, not a pooled vector: where things are is the motion
            nn.Conv2d(2 * channels, 16, 3, 2, 1), nn.ReLU(), nn.Conv2d(16, 32, 3, 2, 1), nn.ReLU(),
            nn.Conv2d(32, 32, 3, 2, 1), nn.ReLU(), nn.AdaptiveAvgPool2d(8), nn.Flatten(),
            nn.Linear(32 * 64, 128), nn.ReLU())
        # the stack that also runs step by step: gradients through time (engine.gradients) and per-step states
        self.rnn = RecurrentStack(cell, 128, hidden, layers, False, dropout)
        self.head = nn.Linear(hidden, classes)

    def forward(self, clips: torch.Tensor, return_states: bool = False):
        """(B, T, C, H, W) uint8 or float in [0, 1] -> logits; with return_states also the stack's per-step
        states ({"hidden": (L, B, T, H), gates...})."""
        outputs, states = self._read(clips, return_states)
        logits = self.head(outputs[:, -1])
        return (logits, states) if return_states else logits

    def logits_per_frame(self, clips: torch.Tensor) -> torch.Tensor:
        """(B, T, C, H, W) -> (B, T, classes): the answer after each frame, as if the clip ended there (the
        recurrence reads forward only, so frame t's answer sees frames 0..t)."""
        return self.head(self._read(clips, False)[0])

    def _read(self, clips: torch.Tensor, return_states: bool):
        x = clips.float() / 255.0 if clips.dtype == torch.uint8 else clips
        b, t = x.shape[:2]
        # each frame with its change from the previous one: motion is then visible to a single frame's encoder
        change = torch.cat([torch.zeros_like(x[:, :1]), x[:, 1:] - x[:, :-1]], 1)
        codes = self.encoder(torch.cat([x, change], 2).flatten(0, 1)).view(b, t, -1)
        outputs, _, states = self.rnn(codes, return_states)
        return outputs, states


def _options(config) -> dict:
    """The options (names, defaults, choices and bounds: the SPEC); RunConfig checks the cell."""
    return SPEC.read_options(config.options)


def load_clips(spec_text: str, label: str, length: int, progress=None, cancel=None) -> SequenceSplits:
    spec = DataSpec.parse(spec_text)
    if spec.kind == "videos":
        return load_sequences(spec, length, progress=progress, cancel=cancel)
    if spec.kind != "moving":
        raise DataError(f"video-classify reads labelled clips, not {spec.kind!r} data.",
                        "Use moving (generated digits) or videos:DIR with one sub-folder per class.")
    check_options(spec, CLIP_OPTIONS)  # one digit per clip: `digits` is no option here
    n = _int(spec.path or "3000", "clip count", 10, MAX_SEQUENCES)
    data = generate_moving_digits(n, length, size=moving_side(spec), digits=1,
                                  seed=_int(spec.options.get("seed", "0"), "seed", 0, 2**31),
                                  source=_digit_source(spec.options.get("mnist")), directions=label == "direction")
    names = DIRECTIONS if label == "direction" else [str(d) for d in range(10)]
    data = SequenceSet(data.frames, data.extra[label], names, data.extra)
    return _split(data, DataSpec(spec.kind, spec.path, {k: v for k, v in spec.options.items() if k == "test"}),
                  f"moving digits ({n} clips, label {label})")


class VideoClassifyTask(LabelTraining, Task):
    name = SPEC.name
    selection_metric = SPEC.selection_metric
    steps_are = SPEC.steps  # what one time step of the recurrence reads (classify: its read order)

    def prepare(self, config, progress=None, cancel=None, splits=None) -> Prepared:
        opts = _options(config)
        if splits is None:
            splits = load_clips(config.data, opts["label"], opts["length"], progress, cancel)
        n = len(splits.train)
        order = np.random.default_rng(config.seed).permutation(n)
        val_count = int(round(n * config.val_fraction)) if n >= 10 else 0
        val_idx, train_idx = np.sort(order[:val_count]), np.sort(order[val_count:])
        _, t, c, h, w = splits.train.frames.shape
        info = {"task": self.name, "data": config.data, "dataset": splits.name, "length": int(t), "channels": int(c),
                "size": [int(h), int(w)], "classes": len(splits.train.class_names),
                "class_names": list(splits.train.class_names), "label": opts["label"]}

        def pair(data):
            return torch.from_numpy(np.ascontiguousarray(data.frames)), torch.from_numpy(data.labels.astype(np.int64))

        return Prepared(train=pair(splits.train.subset(train_idx)),
                        val=pair(splits.train.subset(val_idx)) if val_count else None,
                        test=pair(splits.test) if splits.test is not None else None,
                        info=info, notes=list(splits.notes), skipped=list(splits.skipped))

    def build_model(self, config, info) -> ClipClassifier:
        return ClipClassifier(info["channels"], tuple(info["size"]), info["classes"], config.cell, config.hidden,
                              config.layers, config.dropout)

    def parameter_count(self, config, info) -> int:
        return sum(p.numel() for p in self.build_model(config, info).parameters())

    def grad_norms(self, model, inputs, targets):
        """|dLoss/dh_t| over the clip's frames (uint8 clips scaled first: the float64 pass must not see 0-255)."""
        x = inputs.float() / 255.0 if inputs.dtype == torch.uint8 else inputs
        return grad_norms_through_time(model, model.rnn, x, targets, self.loss)

    def grad_source(self, config):
        return stack_source(config.layers, False, SPEC.steps)

    def probe(self, model, prepared, index, device):
        """The probe clip's per-frame states (test, else validation, else training split) for the Inside tab."""
        clips, labels = probe_split(prepared)[1]
        index = int(index) % len(clips)
        names = prepared.info["class_names"]
        return self.probe_clip(model, clips[index], names[int(labels[index])], names, index, device)

    @torch.no_grad()
    def probe_clip(self, model, clip: torch.Tensor, label: str, names: list, index: int, device) -> Snapshot:
        """Snapshot("hidden") of one uint8 clip (T, C, H, W): the states of every layer at every frame (the time
        steps), as an image classifier's per row, with the frames themselves and the answer."""
        was_training = model.training
        model.eval()
        logits, states = model(clip[None].to(device), return_states=True)
        model.train(was_training)
        probs = torch.softmax(logits.float(), 1)[0].cpu().numpy()
        frames = clip.permute(0, 2, 3, 1).float().numpy() / 255.0
        arrays = {"image": frames[0], "frames": frames, "probabilities": probs}
        arrays.update({name: value[-1, 0].float().cpu().numpy() for name, value in states.items()})
        return Snapshot("hidden", arrays, {
            "states": list(states), "read": "frames", "index": index, "label": label,
            "prediction": names[int(probs.argmax())], "confidence": float(probs.max()), "class_names": list(names),
            "layer": model.rnn.layers})

    @torch.no_grad()
    def evaluate(self, model, data, device, batch, progress=None):
        clips, labels = data
        return classification_results(model, clips, labels, device, 64, progress)

    def result_snapshots(self, prepared, details):
        last = prepared.test[0][:, -1].permute(0, 2, 3, 1).float().numpy() / 255.0  # each clip's last frame
        wrong = np.flatnonzero(details["pred"] != details["true"])
        arrays = {"images": last, "mistakes": wrong[np.argsort(-details["confidence"][wrong])],
                  **{k: details[k] for k in ("true", "pred", "confidence", "probabilities", "confusion",
                                             "per_class_accuracy")}}
        return [Snapshot("prediction", arrays, {"class_names": prepared.info["class_names"], "split": "test"})]


TASK = VideoClassifyTask()
