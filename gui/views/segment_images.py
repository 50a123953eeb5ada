"""Pictures of segmentations as uint8 RGB arrays: mask colours, overlays, error maps, IoU; and the
segmentation view's result items (result_item).

Pure NumPy (no Qt), so the segmentation view stays thin and these are easy to test.
Class 0 is the background: it is left see-through in overlays and drawn black in mask pictures.
"""
from __future__ import annotations

import colorsys

import numpy as np

from gui.views.pixels import float_to_uint8

# Okabe-Ito (colour-blind safe) first, then well separated extras
BASE_PALETTE = [(230, 159, 0), (86, 180, 233), (0, 158, 115), (240, 228, 66), (0, 114, 178),
                (213, 94, 0), (204, 121, 167), (255, 64, 129), (124, 179, 66), (121, 85, 72),
                (0, 188, 212), (156, 39, 176)]
BINARY_FOREGROUND = (255, 40, 160)  # magenta: visible on photos of fields, skies and animals
# colours for errors, in order of preference; error_colours picks those farthest from the class colours
ERROR_CANDIDATES = [(255, 40, 40), (30, 144, 255), (255, 230, 0), (0, 230, 230), (255, 140, 0), (255, 0, 255),
                    (255, 255, 255)]
VOID = 255  # a truth value the engine does not score (e.g. unlabelled pixels of a pairs: mask)
DIM = 0.35


def default_colours(num_classes: int) -> list[tuple[int, int, int]]:
    """Colours for classes 0..K-1; class 0 (background) gets black (it is not drawn on overlays)."""
    if num_classes <= 2:
        return [(0, 0, 0), BINARY_FOREGROUND][:max(num_classes, 1)]
    colours = [(0, 0, 0)] + BASE_PALETTE[: num_classes - 1]
    k = 0
    while len(colours) < num_classes:  # golden-ratio hues for long class lists
        hue = (0.13 + 0.618034 * k) % 1.0
        r, g, b = colorsys.hsv_to_rgb(hue, 0.75 if k % 2 else 0.95, 0.95 if k % 3 else 0.75)
        colours.append((int(r * 255), int(g * 255), int(b * 255)))
        k += 1
    return colours


def class_colours(num_classes: int, given=None) -> np.ndarray:
    """(K, 3) uint8 lookup table; `given` colours (r, g, b) replace the defaults in order."""
    colours = default_colours(num_classes)
    for i, colour in enumerate(list(given or [])[:num_classes]):
        colours[i] = tuple(int(v) for v in colour[:3])
    return np.asarray(colours, dtype=np.uint8).reshape(-1, 3)


def as_rgb(image: np.ndarray) -> np.ndarray:
    """uint8 (H, W, 3) from a grey or colour, float [0,1] or uint8 image."""
    arr = np.asarray(image)
    if arr.ndim == 3 and arr.shape[2] in (1, 4):
        arr = arr[:, :, :1] if arr.shape[2] == 1 else arr[:, :, :3]
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[:, :, 0]
    if arr.ndim not in (2, 3) or (arr.ndim == 3 and arr.shape[2] != 3):
        raise ValueError(f"expected an image of shape (H,W), (H,W,1) or (H,W,3), got {arr.shape}")
    arr = float_to_uint8(arr)
    return np.ascontiguousarray(np.repeat(arr[:, :, None], 3, axis=2) if arr.ndim == 2 else arr)


def mask_picture(mask: np.ndarray, lut: np.ndarray) -> np.ndarray:
    """A class-id mask in class colours (background black); ids past the table are drawn white."""
    ids = np.asarray(mask).astype(np.int64)
    table = np.vstack([lut, [[255, 255, 255]]]).astype(np.uint8)
    return table[np.clip(np.where(ids < 0, len(lut), ids), 0, len(lut))]


def overlay(image: np.ndarray, mask: np.ndarray, lut: np.ndarray, alpha: float) -> np.ndarray:
    """The image with every non-background pixel blended toward its class colour by `alpha` (0..1).

    Under a class the photo is blended as grey (its brightness only): a colour seen there is the class's, never
    the photo's own colour mixed into it (a red mask over green grass read brown, a strong overlay read grey).
    Each class region also gets a 1-pixel outline in its full colour, so the class shows at any strength."""
    rgb = as_rgb(image)
    ids = np.asarray(mask).astype(np.int64)
    if ids.shape != rgb.shape[:2]:
        raise ValueError(f"mask {ids.shape} and image {rgb.shape[:2]} differ in size")
    alpha = float(np.clip(alpha, 0.0, 1.0))
    out = rgb.copy()
    fg = ids != 0
    if alpha > 0 and fg.any():
        colours = mask_picture(ids[fg], lut).astype(np.float32)
        grey = rgb[fg].astype(np.float32).mean(axis=1, keepdims=True)
        out[fg] = (grey * (1.0 - alpha) + colours * alpha + 0.5).astype(np.uint8)
        edge = fg & _boundary(ids)
        out[edge] = mask_picture(ids[edge], lut)
    return out


def _boundary(ids: np.ndarray) -> np.ndarray:
    """Pixels whose right, left, lower or upper neighbour has another class."""
    edge = np.zeros(ids.shape, bool)
    edge[:, 1:] |= ids[:, 1:] != ids[:, :-1]
    edge[:, :-1] |= ids[:, :-1] != ids[:, 1:]
    edge[1:] |= ids[1:] != ids[:-1]
    edge[:-1] |= ids[:-1] != ids[1:]
    return edge


def error_colours(lut: np.ndarray | None, count: int) -> list[tuple[int, int, int]]:
    """`count` colours for errors, those of ERROR_CANDIDATES farthest from every class colour: one colour means
    one thing in a view (the horse's red was also the false positives' red)."""
    classes = np.asarray(lut if lut is not None else default_colours(2), np.float32).reshape(-1, 3)[1:]
    chosen: list[tuple[int, int, int]] = []
    for _ in range(count):
        taken = np.vstack([classes, np.asarray(chosen, np.float32).reshape(-1, 3)])
        distance = [float(np.min(np.linalg.norm(taken - np.asarray(c, np.float32), axis=1))) if len(taken) else 0.0
                    for c in ERROR_CANDIDATES]
        best = max((d, -i) for i, d in enumerate(distance) if ERROR_CANDIDATES[i] not in chosen)
        chosen.append(ERROR_CANDIDATES[-best[1]])
    return chosen


def error_map(image: np.ndarray, truth: np.ndarray, prediction: np.ndarray, num_classes: int,
              lut: np.ndarray | None = None) -> np.ndarray:
    """Correct pixels: the image, dimmed and grey. Wrong pixels in error_colours (none a class's colour): for two
    classes false positives and false negatives apart, so "too much" and "too little" read apart."""
    rgb = as_rgb(image).astype(np.float32)
    grey = rgb.mean(axis=2, keepdims=True) * DIM
    out = np.repeat(grey, 3, axis=2).astype(np.uint8)
    truth, prediction = np.asarray(truth), np.asarray(prediction)
    scored = truth != VOID  # void pixels (unlabelled borders) are neither right nor wrong
    if num_classes <= 2:
        false_positive, missed = error_colours(lut, 2)
        out[(prediction != 0) & (truth == 0)] = false_positive
        out[(prediction == 0) & (truth != 0) & scored] = missed
    else:
        out[(prediction != truth) & scored] = error_colours(lut, 1)[0]
    return out


def error_legend(num_classes: int, lut: np.ndarray | None = None) -> list[tuple[str, tuple[int, int, int]]]:
    if num_classes <= 2:
        false_positive, missed = error_colours(lut, 2)
        return [("error: predicted, not there", false_positive), ("error: there, not predicted", missed)]
    return [("error: wrong class", error_colours(lut, 1)[0])]


def mean_iou(truth: np.ndarray, prediction: np.ndarray, num_classes: int) -> float:
    """Binary: IoU of the foreground. More classes: mean IoU over the non-background classes that appear
    in the truth or the prediction. 1.0 when both are all background (nothing to find, nothing found)."""
    truth, prediction = np.asarray(truth), np.asarray(prediction)
    scored = truth != VOID
    truth, prediction = truth[scored], prediction[scored]
    if num_classes <= 2:
        t, p = truth != 0, prediction != 0
        union = np.count_nonzero(t | p)
        return 1.0 if union == 0 else np.count_nonzero(t & p) / union
    scores = []
    for c in range(1, max(num_classes, int(max(truth.max(initial=0), prediction.max(initial=0))) + 1)):
        t, p = truth == c, prediction == c
        union = np.count_nonzero(t | p)
        if union:
            scores.append(np.count_nonzero(t & p) / union)
    return float(np.mean(scores)) if scores else 1.0


def mask_for_file(mask: np.ndarray, num_classes: int) -> np.ndarray:
    """uint8 class ids for a PNG; for two classes 0 / 255 so the file is visible in any image viewer."""
    ids = np.asarray(mask).astype(np.int64)
    if num_classes <= 2:
        return np.where(ids != 0, 255, 0).astype(np.uint8)
    return np.clip(ids, 0, 255).astype(np.uint8)


def result_item(arrays: dict, meta: dict, num_classes_hint: int) -> dict:
    """One segmentation result for the view: its arrays checked and converted once, its IoU (from meta, else
    computed when there is a truth), name and index."""
    if "image" not in arrays or "prediction" not in arrays:
        raise ValueError("a segmentation item needs 'image' and 'prediction' arrays")
    image = as_rgb(arrays["image"])
    prediction = np.asarray(arrays["prediction"]).astype(np.int64)
    truth = arrays.get("truth")
    truth = None if truth is None else np.asarray(truth).astype(np.int64)
    for name, mask in (("prediction", prediction), ("truth", truth)):
        if mask is not None and mask.shape != image.shape[:2]:
            raise ValueError(f"{name} mask {mask.shape} does not match the image {image.shape[:2]}")
    iou = meta.get("iou")
    if iou is None and truth is not None:
        iou = mean_iou(truth, prediction, num_classes_hint)
    return {"image": image, "truth": truth, "prediction": prediction, "probability": arrays.get("probability"),
            "name": str(meta.get("name", f"image {meta.get('index', '')}".strip())),
            "index": meta.get("index"), "iou": float("nan") if iou is None else float(iou)}
