"""How an image is read as a sequence: row by row (default), column by column, or pixel by pixel."""
from __future__ import annotations

import torch

from engine.models.sequence_shape import sequence_length  # noqa: F401 (re-exported)


def image_to_sequence(images: torch.Tensor, read: str) -> torch.Tensor:
    """(B, C, H, W) -> (B, T, F): rows T=H, F=W*C; cols T=W, F=H*C; pixels T=H*W, F=C."""
    b, c, h, w = images.shape
    if read == "rows":
        return images.permute(0, 2, 3, 1).reshape(b, h, w * c)
    if read == "cols":
        return images.permute(0, 3, 2, 1).reshape(b, w, h * c)
    if read == "pixels":
        return images.permute(0, 2, 3, 1).reshape(b, h * w, c)
    raise ValueError(f"unknown read order {read!r}")
