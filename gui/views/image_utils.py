"""NumPy image arrays -> Qt images, crisp at any size.

Arrays are (H, W), (H, W, 1) or (H, W, 3), either float in [0, 1] or uint8.
Row 0 is the top of the picture (the usual image convention).
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap


def to_uint8(array: np.ndarray) -> np.ndarray:
    """Return a C-contiguous uint8 array of shape (H, W) or (H, W, 3)."""
    arr = np.asarray(array)
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[:, :, 0]
    if arr.ndim == 3 and arr.shape[2] == 4:
        arr = arr[:, :, :3]
    if arr.ndim not in (2, 3) or (arr.ndim == 3 and arr.shape[2] != 3):
        raise ValueError(f"expected an image of shape (H,W), (H,W,1) or (H,W,3), got {arr.shape}")
    if arr.dtype != np.uint8:
        arr = np.nan_to_num(arr.astype(np.float32), nan=0.0, posinf=1.0, neginf=0.0)
        arr = (np.clip(arr, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
    return np.ascontiguousarray(arr)


def to_qimage(array: np.ndarray) -> QImage:
    """Make a QImage that owns its pixels (the NumPy buffer may be freed afterwards)."""
    arr = to_uint8(array)
    h, w = arr.shape[:2]
    if arr.ndim == 2:
        image = QImage(arr.data, w, h, arr.strides[0], QImage.Format.Format_Grayscale8)
    else:
        image = QImage(arr.data, w, h, arr.strides[0], QImage.Format.Format_RGB888)
    return image.copy()  # detach from the NumPy buffer


def scale_image(image: QImage, size: int) -> QImage:
    """Scale so the longer side is `size` px; nearest-neighbour when enlarging (crisp pixels)."""
    if image.isNull() or size <= 0:
        return image
    longest = max(image.width(), image.height())
    enlarging = size >= longest
    mode = Qt.TransformationMode.FastTransformation if enlarging else Qt.TransformationMode.SmoothTransformation
    return image.scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio, mode)


def to_pixmap(array: np.ndarray, size: int, device_pixel_ratio: float = 1.0) -> QPixmap:
    """A pixmap whose longer side is `size` logical px; small digits stay blocky and sharp, never
    blurred. Pass the widget's devicePixelRatioF() so high-DPI screens need no further scaling."""
    pixmap = QPixmap.fromImage(scale_image(to_qimage(array), round(size * device_pixel_ratio)))
    pixmap.setDevicePixelRatio(device_pixel_ratio)
    return pixmap


def qimage_to_array(image: QImage) -> np.ndarray:
    """Read a QImage back as uint8 (H, W, 3) RGB (used for tests and exports)."""
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    h, w = rgb.height(), rgb.width()
    ptr = rgb.constBits()
    buf = np.frombuffer(ptr, dtype=np.uint8, count=rgb.sizeInBytes())
    return buf.reshape(h, rgb.bytesPerLine())[:, : w * 3].reshape(h, w, 3).copy()
