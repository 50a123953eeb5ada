"""The Live tab's engine work, run on worker threads (gui/live_jobs.py): a photo's edge maps or class mask, a
clip's rollout beside its truth, a clip's class probabilities after each frame. Each takes the loaded model's
predictor and calls only what its capabilities declare (engine/tasks/spec.py CAPABILITIES); the engine is
imported inside the functions, on the worker's thread.

Every function returns plain NumPy arrays and raises the engine's UserError (a message and a hint) for input
it cannot use: not an image, an unreadable video, a clip too short for the model's context.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from gui.frame_jobs import panel_frames, rollout

PHOTO_LONGEST = 640  # px: a larger photo is shrunk first (a 12-megapixel one would take the edge model minutes)
MAX_CLIP_FRAMES = 500  # frames read from one clip: enough to watch, little memory at the model's frame size


def read_photo(path: str, longest: int = PHOTO_LONGEST) -> tuple[np.ndarray, str]:
    """uint8 (H, W, 3) RGB of an image file (checked as every user image is: by content, size-checked),
    shrunk so its longer side is at most `longest`; and words saying at what size it is shown."""
    import cv2

    from engine.data.reading import read_image

    image = np.round(read_image(path, None, 3) * 255).astype(np.uint8)
    h, w = image.shape[:2]
    name = Path(path).name
    if max(h, w) <= longest:
        return image, f"{name} ({w}×{h})"
    scale = longest / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA), f"{name} ({w}×{h}, shown at {size[0]}×{size[1]})"


def photo_edges(predictor, path: str, cancel) -> tuple[dict, str]:
    """The recurrent edge map of a photo (the predictor's edge_map) beside Canny and Sobel as the benchmark
    computes them for its baselines, all at the photo's (shrunk) size."""
    from engine.data.reading import check_cancel
    from engine.tasks.edges import benchmark

    image, name = read_photo(path)
    check_cancel(cancel)
    soft, _ = predictor.edge_map(image)
    check_cancel(cancel)
    arrays = {"image": image, "model": np.clip(soft, 0, 1), "canny": benchmark.canny(image),
              "sobel": benchmark.sobel(image)}
    return arrays, f"{name}: recurrent edges (white = boundary), Canny and Sobel as the benchmark computes them."


def photo_mask(predictor, path: str, cancel) -> tuple[np.ndarray, np.ndarray, str]:
    """(image, class ids per pixel, words) of a photo, at the photo's (shrunk) size."""
    from engine.data.reading import check_cancel

    image, name = read_photo(path, 1024)
    check_cancel(cancel)
    return image, predictor.mask(image), name


def read_clip(spec: str, predictor, limit: int, cancel, progress) -> tuple[np.ndarray, str]:
    """uint8 (T, C, H, W) frames of a video, frame folder or camera at the model's frame size and channels (what
    it reads), at most `limit` of them (a camera records that many); and the source's name."""
    from engine.data.video import read_frames

    h, w = predictor.info["size"]
    frames = read_frames(spec, size=(h, w), grey=int(predictor.info["channels"]) == 1, limit=limit,
                         progress=progress, cancel=cancel)
    kind, _, where = spec.partition(":")
    name = f"camera {where or 0}" if kind == "camera" else Path(where).name
    return np.ascontiguousarray(frames.transpose(0, 3, 1, 2)), name


def clip_rollout(predictor, spec: str, frames: int, cancel, progress) -> tuple[dict, dict]:
    """The model's rollout of `frames` frames from a clip's first context frames, with the clip's own next frames
    as the truth where it has them: the player's arrays (context, truth, prediction, state) and meta."""
    from engine.errors import DataError

    context = int(predictor.context)
    clip, name = read_clip(spec, predictor, context + frames, cancel, progress)
    if len(clip) < context:
        raise DataError(f"{name} has {len(clip)} frame(s); this model reads {context} frames before it predicts.",
                        f"Open a clip of at least {context} frames (or {context + frames} to compare the whole "
                        "rollout with the truth).")
    seed, truth = clip[:context], clip[context:context + frames]
    generated, states = rollout(predictor, seed, frames, cancel)
    arrays = {"context": panel_frames(seed), "prediction": panel_frames(generated), "state": states}
    if len(truth):
        arrays["truth"] = panel_frames(truth)
    return arrays, {"name": name, "truth_frames": len(truth)}


def clip_probabilities(predictor, spec: str, limit: int, cancel, progress) -> dict:
    """A clip's frames as the model reads them and its class probabilities after each frame."""
    clip, name = read_clip(spec, predictor, min(limit, MAX_CLIP_FRAMES), cancel, progress)
    probabilities = predictor.clip_probabilities(clip.transpose(0, 2, 3, 1))
    return {"frames": panel_frames(clip), "probabilities": probabilities, "class_names": list(predictor.class_names),
            "name": name, "length": int(predictor.info.get("length", 0))}
