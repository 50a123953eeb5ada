"""Sequence length and width of an image read in a given order (no torch needed)."""


def sequence_length(height: int, width: int, channels: int, read: str) -> tuple[int, int]:
    """(steps, features per step): rows T=H, F=W*C; cols T=W, F=H*C; pixels T=H*W, F=C."""
    return {"rows": (height, width * channels), "cols": (width, height * channels),
            "pixels": (height * width, channels)}[read]
