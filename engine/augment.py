"""Small random affine changes (shift, rotation, scale) of a batch of images, for training only."""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F


def random_affine(images: torch.Tensor, degrees: float = 10.0, scale: float = 0.1, shift: float = 0.1,
                  generator: torch.Generator | None = None) -> torch.Tensor:
    """(B, C, H, W) -> same shape. shift is a fraction of the image size (0.1 = up to 10%)."""
    b = images.shape[0]

    def uniform(limit: float) -> torch.Tensor:
        return (torch.rand(b, generator=generator) * 2 - 1) * limit

    angle = uniform(math.radians(degrees))
    factor = 1 + uniform(scale)
    tx, ty = uniform(2 * shift), uniform(2 * shift)  # affine_grid coordinates span 2 units
    cos, sin = torch.cos(angle) / factor, torch.sin(angle) / factor
    theta = torch.stack([torch.stack([cos, -sin, tx], 1), torch.stack([sin, cos, ty], 1)], 1)
    grid = F.affine_grid(theta.to(images), list(images.shape), align_corners=False)
    return F.grid_sample(images, grid, align_corners=False, padding_mode="zeros")
