"""Data sources and readers (NumPy and OpenCV only: no torch, no Qt), so the window can use them cheaply."""
from engine.data.base import DataSpec, ImageSet, Splits, parse_range
from engine.data.loading import KNOWN_KINDS, load_classification, read_image, train_val_split

__all__ = ["DataSpec", "ImageSet", "Splits", "parse_range", "KNOWN_KINDS",
           "load_classification", "read_image", "train_val_split"]
