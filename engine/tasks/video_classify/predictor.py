"""A clip classifier's checkpoint: class probabilities after each frame of a new clip, and evaluation on other
labelled clips."""
from __future__ import annotations

import cv2
import numpy as np
import torch

from engine.errors import DataError
from engine.tasks.loaded import LoadedModel
from engine.tasks.video_classify import SPEC


class ClipPredictor(LoadedModel):
    SPEC = SPEC
    EVAL_BATCH = 64

    @property
    def class_names(self) -> list[str]:
        return list(self.info["class_names"])

    def conform_clip(self, frames: np.ndarray) -> np.ndarray:
        """uint8 (T, H, W, C) RGB or grey frames of any size -> uint8 (T, c, h, w) as in training: resized to the
        model's frame size (area interpolation when shrinking), made grey or colour as OpenCV does for videos."""
        frames = np.asarray(frames)
        if frames.ndim == 3:
            frames = frames[..., None]
        if frames.ndim != 4 or frames.shape[-1] not in (1, 3) or not len(frames):
            raise DataError(f"A clip is frames (T, H, W, 1 or 3); got an array of shape {frames.shape}.",
                            "Give a video, a frame folder or camera frames.")
        c, (h, w) = int(self.info["channels"]), self.info["size"]
        out = np.empty((len(frames), c, h, w), np.uint8)
        for i, frame in enumerate(frames.astype(np.uint8, copy=False)):
            if frame.shape[:2] != (h, w):
                shrink = frame.shape[0] > h or frame.shape[1] > w
                frame = cv2.resize(frame, (w, h), interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)
            frame = frame.reshape(h, w, -1)
            if frame.shape[2] != c:
                frame = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY)[:, :, None] if c == 1 else np.repeat(frame, 3, 2)
            out[i] = frame.transpose(2, 0, 1)
        return out

    def clip_probabilities(self, frames: np.ndarray) -> np.ndarray:
        """float32 (T, classes): the class probabilities after each frame of a clip (uint8 (T, H, W, C) of any
        size and length), each as the model answers a clip that ends at that frame. Trained on clips of
        info["length"] frames, its answers before that many frames are read are guesses on less evidence."""
        clip = torch.from_numpy(self.conform_clip(frames))[None].to(self.device)
        with torch.no_grad():
            logits = self.model.logits_per_frame(clip)[0]
        return torch.softmax(logits.float(), -1).cpu().numpy()

    def inside(self, data, index: int) -> list:
        """The Inside tab's per-frame states of clip `index` of the window's loaded clips (its test split, else its
        training split), with the frames and the model's answer."""
        clips = data.test or data.train
        index = int(index) % len(clips)
        if list(clips.class_names) != self.class_names:
            raise DataError(f"The loaded clips have the classes {list(clips.class_names)}; the model knows "
                            f"{self.class_names}.", "Load clips of the model's classes.")
        clip = torch.from_numpy(self.conform_clip(clips.frames[index].transpose(0, 2, 3, 1)))
        label = self.class_names[int(clips.labels[index])]
        return [self.task.probe_clip(self.model, clip, label, self.class_names, index, self.device)]

    def test_data(self, spec: str) -> tuple[torch.Tensor, torch.Tensor]:
        """(clips (N, T, C, H, W) uint8, labels) of the spec's test split (all its clips when it has none)."""
        from engine.tasks.video_classify.task import load_clips

        splits = load_clips(spec, self.info["label"], int(self.info["length"]))
        self.skipped = list(splits.skipped)
        data = splits.test or splits.train
        if list(data.class_names) != self.class_names:
            raise DataError(f"{spec} has the classes {data.class_names}; the model knows {self.class_names}.",
                            "Evaluate on clips of the same classes.")
        if data.frames.shape[2:] != (self.info["channels"], *self.info["size"]):
            raise DataError(f"{spec} has frames of {tuple(data.frames.shape[2:])}; the model was trained on "
                            f"{(self.info['channels'], *self.info['size'])}.", "Add ?size=WxH to the spec.")
        return torch.from_numpy(data.frames), torch.from_numpy(data.labels)
