"""A predict checkpoint used after training: rollouts written as videos, evaluation on other data."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from engine.errors import DataError
from engine.tasks.loaded import LoadedModel
from engine.tasks.predict import SPEC


class FramesPredictor(LoadedModel):
    SPEC = SPEC
    RESULTS_KEY = "rollouts"  # predict --json: {"rollouts": [...]}
    EVAL_BATCH = 32

    def build_model(self):
        self.task._info = self.info  # the task's loss and metrics read the checkpoint's settings
        return self.task.make_model(self.config, self.info)

    @property
    def context(self) -> int:
        return int(self.info["context"])

    def seed_frames(self, spec: str) -> tuple[np.ndarray, np.ndarray | None]:
        """uint8 (context, C, H, W) seed frames of a spec, and its true continuation when the spec has one.
        npz / generated data: the first test sequence; a video: its first frames."""
        from engine.data.sequences import load_sequences

        length = self.context + int(self.info["horizon"])
        h, w = self.info["size"]
        grey = "1" if self.info["channels"] == 1 else "0"
        text = str(spec)
        kind = text.partition(":")[0].lower()
        if kind not in ("mmnist", "moving"):
            text += ("&" if "?" in text else "?") + f"size={w}x{h}&grey={grey}&test=0"
            try:
                splits = load_sequences(text, length)
            except DataError as error:
                if "fewer than context + horizon" not in error.message:
                    raise
                splits = load_sequences(text, self.context)  # seed only: nothing to compare with
        else:
            splits = load_sequences(text, length)
        sequence = (splits.test or splits.train).frames[0]
        if sequence.shape[1:] != (self.info["channels"], h, w):
            raise DataError(f"{spec} has frames of {tuple(sequence.shape[1:])} (C, H, W); the model was "
                            f"trained on {(self.info['channels'], h, w)}.",
                            f"Give data of that shape, or add ?size={w}x{h} to the spec.")
        truth = sequence[self.context:] if len(sequence) > self.context else None
        return sequence[:self.context], truth

    def inside(self, data, index: int) -> list:
        """The Inside tab's state maps of sequence `index` of the window's loaded sequences (its test split, else
        its training split): context + horizon frames read as in evaluation (engine/tasks/predict/inside.py)."""
        from engine.tasks.predict.inside import frame_states

        frames = (data.test or data.train).frames
        index = int(index) % len(frames)
        sequence = frames[index, :self.context + int(self.info["horizon"])]
        h, w = self.info["size"]
        if sequence.shape[1:] != (self.info["channels"], h, w) or len(sequence) <= self.context:
            raise DataError(f"The loaded sequences have {len(sequence)} frames of {tuple(sequence.shape[1:])} "
                            f"(C, H, W); the model reads {self.context} or more of {(self.info['channels'], h, w)}.",
                            "Load the data the model was trained on (or data of its frame size).")
        meta = {"index": index, "name": f"sequence {index}"}
        return [frame_states(self.model, torch.from_numpy(np.ascontiguousarray(sequence))[None].to(self.device),
                             meta)[2]]

    def rollout(self, seed: np.ndarray, frames: int) -> np.ndarray:
        """uint8 (S, C, H, W) seed -> uint8 (frames, C, H, W) generated, each frame from the last."""
        with torch.no_grad():
            out = self.model.rollout(torch.from_numpy(np.ascontiguousarray(seed))[None].to(self.device), frames)
        return np.round(out[0].float().cpu().numpy() * 255).astype(np.uint8)

    def write_rollout(self, spec: str, out: str | Path, frames: int | None = None, fps: float = 5.0,
                      overwrite: bool = True) -> dict:
        """Video of truth | model side by side: both show the seed frames, then the true continuation (left,
        black where there is none) and the generated frames (right). Written atomically; without `overwrite`
        never over an existing file."""
        from engine.data.video import write_video
        from engine.data.video_h264 import note_for

        frames = int(self.info["horizon"]) if frames is None else int(frames)
        if frames < 1:
            raise DataError(f"--frames must be at least 1, got {frames}.", "Give the number of frames to generate.")
        seed, truth = self.seed_frames(spec)
        generated = self.rollout(seed, frames)
        left = np.concatenate([seed] + ([truth[:frames]] if truth is not None else []))
        right = np.concatenate([seed, generated])
        left = np.concatenate([left, np.zeros((len(right) - len(left),) + left.shape[1:], np.uint8)])
        scale = max(1, 128 // max(seed.shape[2], 1))
        panels = []
        for a, b in zip(left, right):
            a, b = (np.repeat(np.repeat(p.transpose(1, 2, 0), scale, 0), scale, 1) for p in (a, b))
            gap = np.full((a.shape[0], 4, a.shape[2]), 128, np.uint8)
            panels.append(np.concatenate([a, gap, b], 1))
        count = write_video(out, panels, fps, overwrite=overwrite)
        return {"path": str(spec), "video": str(out), "frames": count, "seed_frames": len(seed),
                "generated": frames, "layout": "truth | model", **note_for(out)}

    def test_data(self, spec: str) -> tuple[torch.Tensor, torch.Tensor]:
        """(frames, frames) of the spec's test split (all its clips when it has none): the model reads the
        context and is scored on the horizon of the same clips."""
        from engine.data.sequences import load_sequences

        splits = load_sequences(spec, self.context + int(self.info["horizon"]))
        self.skipped = list(splits.skipped)
        data = splits.test or splits.train
        frames = torch.from_numpy(data.frames)
        return frames, frames

    def export_graph(self):
        """One step of the model for engine.model_export (engine/tasks/predict/onnx_step.py): a frame and every
        layer's state -> the next frame and the new states; any batch size, the training frame size."""
        from engine.export_graph import ExportGraph, seeded_images
        from engine.tasks.predict.onnx_step import FrameStep

        step = FrameStep(self.model.cpu()).eval()
        c, (h, w) = int(self.info["channels"]), self.info["size"]

        def prepared(batch: int, read: int, seed: int) -> dict:
            clips = seeded_images(batch * (read + 1), h, w, c, seed).reshape(read + 1, batch, h, w, c)
            frames = np.ascontiguousarray(clips.transpose(0, 1, 4, 2, 3), np.float32) / 255
            states = step.zero_states(batch)
            if read:  # the states after reading `read` frames, as in the middle of a rollout
                states = step.run(frames[:read], states)[1]
            return {"frame": frames[read], **dict(zip(step.state_names(), states))}

        names = step.state_names()
        batch = {0: "batch"}
        return ExportGraph(
            step, prepared(2, 2, 0), [prepared(3, 3, 1), prepared(1, 0, 2)],
            ("prediction", *[f"{name}_next" for name in names]),
            {name: batch for name in ["frame", "prediction", *names, *[f"{n}_next" for n in names]]},
            f"frame: float32 (batch, {c}, {h}, {w}) in [0, 1]; {', '.join(names)}: float32 (batch, "
            f"{self.model.stack.hidden}, {h // self.model.patch}, {w // self.model.patch}) per layer (h: hidden, c: "
            "a ConvLSTM's cell), zeros before the first frame; prediction: the next frame (clip it to [0, 1]); "
            f"*_next: the states after this frame. A rollout reads the {self.context} context frames, then feeds "
            "each clipped prediction back as the next frame",
            metadata={"context": str(self.context), "state_names": ",".join(names)})
