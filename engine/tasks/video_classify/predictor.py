"""A clip classifier's checkpoint: evaluation on other labelled clips."""
from __future__ import annotations

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
