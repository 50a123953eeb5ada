"""Task "predict": next-frame prediction. M context frames in, K frames out, by a convolutional recurrent
encoder-forecaster (engine.models.forecaster).

Metrics on the K predicted frames, pixels scaled to [0, 1]:
    mse_per_frame   squared error summed over a frame's pixels, averaged over frames and sequences
                    (the Moving MNIST convention of the PredRNN papers)
    mae_per_frame   the same with absolute errors
    psnr            10 log10(1 / per-pixel MSE) per frame, averaged (dB)
    ssim            structural similarity per frame (scikit-image), averaged
and, always beside them, two predictors that learn nothing: copy the last context frame
(baseline_mse_per_frame) and a frame of the training set's mean brightness (mean_mse_per_frame; the
per-pixel mean frame is mean_pixel_mse_per_frame).

Options (--context, --horizon, or --option KEY=VALUE), with their defaults and bounds in the SPEC
(__init__.py): context, horizon, patch (patches as channels), kernel, sampling (share of the run over which
teacher forcing falls to 0), l1 (weight of an added L1 loss), init (a checkpoint of the same model to start
from, to train on).
"""
from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F

from engine.tasks.progress import batch_starts
from engine.data.sequences import load_sequences
from engine.errors import ConfigError
from engine.events import Snapshot
from engine.gradients import grad_norms_through_time
from engine.models.forecaster import Forecaster
from engine.tasks.base import Prepared, Task, probe_split
from engine.tasks.predict import SPEC
from engine.tasks.predict.inside import frame_states


def options(config) -> dict:
    """The task's options with defaults, checked (names, defaults and bounds: the SPEC; RunConfig checks
    that the cell is one of the SPEC's convolutional cells)."""
    values = SPEC.read_options(config.options)
    if values["kernel"] % 2 == 0:  # "same" padding needs an odd kernel
        raise ConfigError(f"Option kernel must be odd (3, 5, ...), got {values['kernel']}.",
                          SPEC.option("kernel").hint)
    return values


def frame_metrics(prediction: np.ndarray, truth: np.ndarray, with_ssim: bool = True) -> dict:
    """Metrics of float predictions vs truth, both (N, K, C, H, W) in [0, 1]."""
    error = prediction.astype(np.float64) - truth.astype(np.float64)
    per_frame = (error ** 2).sum(axis=(2, 3, 4))
    pixels = np.prod(truth.shape[2:])
    pixel_mse = per_frame / pixels
    metrics = {"mse_per_frame": float(per_frame.mean()),
               "mae_per_frame": float(np.abs(error).sum(axis=(2, 3, 4)).mean()),
               "psnr": float(np.mean(10 * np.log10(1.0 / np.maximum(pixel_mse, 1e-10))))}
    if with_ssim:
        metrics["ssim"] = mean_ssim(prediction, truth)
    return metrics


def mean_ssim(prediction: np.ndarray, truth: np.ndarray) -> float:
    from skimage.metrics import structural_similarity

    side = min(truth.shape[-2:])
    win = min(7, side if side % 2 else side - 1)  # scikit-image's 7 x 7 window, smaller for tiny frames
    if win < 3:
        return float("nan")
    values = []
    for p_seq, t_seq in zip(prediction, truth):
        for p, t in zip(p_seq, t_seq):
            values.append(structural_similarity(t.transpose(1, 2, 0).astype(np.float64),
                                                p.transpose(1, 2, 0).astype(np.float64),
                                                data_range=1.0, channel_axis=2, win_size=win))
    return float(np.mean(values))


def _panel(frames: np.ndarray) -> np.ndarray:
    """(T, C, H, W) -> (T, H, W) grey or (T, H, W, C) colour, as the window's player takes them."""
    return frames[:, 0] if frames.shape[1] == 1 else frames.transpose(0, 2, 3, 1)


def _unit(frames) -> np.ndarray:
    array = frames.numpy() if isinstance(frames, torch.Tensor) else np.asarray(frames)
    return array.astype(np.float32) / 255.0 if array.dtype == np.uint8 else array.astype(np.float32)


class FramesTask(Task):
    name = SPEC.name
    selection_metric = SPEC.selection_metric
    lower_is_better = SPEC.lower_is_better

    def prepare(self, config, progress=None, cancel=None, splits=None) -> Prepared:
        opts = options(config)
        length = opts["context"] + opts["horizon"]
        if splits is None:
            splits = load_sequences(config.data, length, progress=progress, cancel=cancel)
        n = len(splits.train)
        val_count = int(round(n * config.val_fraction)) if n >= 4 else 0
        rng = np.random.default_rng(config.seed)
        order = rng.permutation(n)
        val_idx, train_idx = np.sort(order[:val_count]), np.sort(order[val_count:])
        train = splits.train.frames[train_idx]
        _, _, c, h, w = train.shape
        if h % opts["patch"] or w % opts["patch"]:
            raise ConfigError(f"Frames of {w}x{h} do not split into {opts['patch']}x{opts['patch']} patches.",
                              f"Resize with ?size=WxH (multiples of {opts['patch']}) or set --option patch=1.")
        mean_frame = train.reshape(-1, c, h, w).mean(0, dtype=np.float64) / 255.0
        brightness = mean_frame.mean(axis=(1, 2))  # per channel
        info = {"task": self.name, "data": config.data, "dataset": splits.name, "context": opts["context"],
                "horizon": opts["horizon"], "channels": int(c), "size": [int(h), int(w)], "patch": opts["patch"],
                "kernel": opts["kernel"], "sampling": float(opts["sampling"]), "l1": float(opts["l1"]),
                "train_count": int(len(train_idx)), "mean_frame": np.round(mean_frame, 5).tolist(),
                "brightness": [float(b) for b in brightness]}
        self._info = info

        def pair(frames):
            tensor = torch.from_numpy(np.ascontiguousarray(frames))
            return tensor, tensor

        return Prepared(train=pair(train), val=pair(splits.train.frames[val_idx]) if val_count else None,
                        test=pair(splits.test.frames) if splits.test is not None else None,
                        info=info, notes=list(splits.notes), skipped=list(splits.skipped))

    def build_model(self, config, info) -> Forecaster:
        model = self.make_model(config, info)
        init = SPEC.option_value(config.options, "init") or ""
        if init:  # warm start: same cell / sizes, weights from an earlier run
            from engine import checkpoint

            checkpoint.restore(checkpoint.load(init, task=self.name), model)
        return model

    def make_model(self, config, info) -> Forecaster:
        """The model as configured, freshly initialised."""
        self._info = info
        steps = math.ceil(info.get("train_count", 1) / config.batch) * config.epochs
        return Forecaster(config.cell, info["channels"], tuple(info["size"]), info["context"], config.hidden,
                          config.layers, info["kernel"], info["patch"],
                          sampling_steps=max(1, int(steps * info.get("sampling", SPEC.default("sampling")))))

    def parameter_count(self, config, info) -> int:
        return sum(p.numel() for p in self.make_model(config, info).parameters())

    def augment_batch(self, inputs, targets, config):
        """The same flip / transpose / time reversal of the whole batch: bouncing motion stays bouncing."""
        if not config.augment:
            return inputs, targets
        x = inputs
        if torch.rand(()) < 0.5:
            x = x.flip(-1)
        if torch.rand(()) < 0.5:
            x = x.flip(-2)
        if x.shape[-1] == x.shape[-2] and torch.rand(()) < 0.5:
            x = x.transpose(-1, -2)
        if torch.rand(()) < 0.5:
            x = x.flip(1)
        return x, x

    def loss(self, output, target):
        truth = target[:, 1:].float() / 255.0 if target.dtype == torch.uint8 else target[:, 1:].float()
        truth = truth.reshape(output.shape).to(output.dtype if output.dtype == torch.float64 else truth.dtype)
        loss = F.mse_loss(output, truth)
        l1 = self._info.get("l1", SPEC.default("l1")) if hasattr(self, "_info") else SPEC.default("l1")
        return loss + l1 * F.l1_loss(output, truth) if l1 else loss

    @torch.no_grad()
    def forecast(self, model, frames: torch.Tensor, device, batch: int = 32, progress=None) -> np.ndarray:
        """The K forecast frames, float (N, K, C, H, W) in [0, 1], for uint8 sequences of context + horizon."""
        model.eval()
        context = model.context
        out = []
        for start in batch_starts(len(frames), batch, progress):
            chunk = frames[start:start + batch].to(device)
            out.append(model(chunk)[:, context - 1:].clamp(0, 1).float().cpu())
        return torch.cat(out).numpy()

    def evaluate(self, model, data, device, batch, progress=None):
        frames = data[0]
        frames = frames if frames.dim() == 5 else frames.unsqueeze(2)
        prediction = self.forecast(model, frames, device, max(batch, 32), progress)
        context = model.context
        truth = _unit(frames[:, context:])
        metrics = frame_metrics(prediction, truth)
        metrics["loss"] = metrics["mse_per_frame"] / float(np.prod(truth.shape[2:]))
        last = _unit(frames[:, context - 1:context])
        metrics["baseline_mse_per_frame"] = float(((truth - last) ** 2).sum(axis=(2, 3, 4)).mean())
        # "mean frame": the training set's average brightness everywhere (161.1 on the shared file's last 200);
        # the per-pixel average frame is a slightly stronger trivial predictor (148.9 there)
        brightness = np.asarray(self._info["brightness"], np.float32)[None, None, :, None, None]
        metrics["mean_mse_per_frame"] = float(((truth - brightness) ** 2).sum(axis=(2, 3, 4)).mean())
        mean_frame = np.asarray(self._info["mean_frame"], np.float32)[None, None]
        metrics["mean_pixel_mse_per_frame"] = float(((truth - mean_frame) ** 2).sum(axis=(2, 3, 4)).mean())
        per_step = ((prediction - truth) ** 2).sum(axis=(2, 3, 4)).mean(0)
        details = {"prediction": prediction, "truth": truth, "context": _unit(frames[:, :context]),
                   "mse_per_step": per_step}
        return metrics, details

    @torch.no_grad()
    def probe(self, model, prepared, index, device):
        """The probe sequence's frames (context, truth, prediction) for the Results player, and every layer's
        states and gates at every step for the Inside tab (inside.py), from one pass."""
        frames = probe_split(prepared)[1][0]
        index = int(index) % len(frames)
        name = f"sequence {index}"
        output, top, states = frame_states(model, frames[index:index + 1].to(device), {"index": index, "name": name})
        context = model.context
        prediction = output[0, context - 1:].clamp(0, 1).float().cpu().numpy()
        truth = _unit(frames[index, context:])
        return [Snapshot("frames", {
            "context": _panel(_unit(frames[index, :context])), "truth": _panel(truth),
            "prediction": _panel(prediction), "state": top[0].float().cpu().numpy()},
            {"name": name, "index": index, "context": context, "horizon": len(truth), "cell": model.stack.kind,
             "mse_per_frame": float(((prediction - truth) ** 2).sum(axis=(1, 2, 3)).mean())}), states]

    def grad_norms(self, model, inputs, targets):
        """|dLoss/dh_t| of the top layer's state map after each frame read (all channels and positions)."""
        x = inputs.float() / 255.0 if inputs.dtype == torch.uint8 else inputs
        return grad_norms_through_time(model, model.stack, x, targets, self.loss, forward=lambda m, v: m(v))

    def grad_source(self, config):
        cell = {"convlstm": "ConvLSTM", "convgru": "ConvGRU", "convrnn": "ConvRNN"}.get(config.cell, config.cell)
        which = f"the {cell} layer's" if config.layers == 1 else f"the top {cell} layer's (layer {config.layers})"
        return f"{which} state map after each frame read, over all its channels and positions"

    def result_snapshots(self, prepared, details):
        count = min(4, len(details["prediction"]))
        return [Snapshot("frames", {"context": _panel(details["context"][i]), "truth": _panel(details["truth"][i]),
                                    "prediction": _panel(details["prediction"][i])},
                         {"name": f"test sequence {i}", "index": i, "split": "test",
                          "mse_per_step": details["mse_per_step"].tolist()})
                for i in range(count)]


TASK = FramesTask()
