"""Which data spec a dropped or opened path is: MNIST IDX, USPS, a folder of class folders, a BSDS500 folder,
a folder of plain photos (edges with Canny/Sobel targets), a video file, a Moving-MNIST .npz (frame prediction),
a Weizmann Horse folder (segmentation) or a folder of class folders of videos (clip classification)."""
from __future__ import annotations

from pathlib import Path

from engine.data.folder import IMAGE_SUFFIXES
from engine.data.video import VIDEO_SUFFIXES
from engine.errors import DataError
from engine.files import is_special, require_regular_file


def spec_for_path(path: str | Path) -> str:
    """A data spec for `path`, or DataError saying why it is none of the known kinds."""
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path} does not exist.", "Check the path, or drop the file again.")
    if is_special(path):  # a named pipe or device: no data set, and opening it could block
        require_regular_file(path, DataError, "The dropped path", "Open a data file or a folder.")
    folder = path if path.is_dir() else path.parent
    name = path.name.lower()
    if path.is_file():
        if "idx1-ubyte" in name or "idx3-ubyte" in name:
            return f"mnist:{folder}"
        if name.startswith("zip.train") or name.startswith("zip.test") or name.endswith(".h5"):
            return f"usps:{path}"
        if path.suffix.lower() in VIDEO_SUFFIXES:
            return f"video:{path}"
        if path.suffix.lower() == ".npz":
            return f"mmnist:{path}"  # sequences for frame prediction (an array 'frames')
        raise DataError(f"{path.name} is not a data set this app reads.",
                        "Open an MNIST IDX file, a USPS zip.train / usps.h5, a video, a sequences .npz, or a folder "
                        "with one sub-folder of images per class, or of photos.")
    names = {p.name.lower() for p in folder.iterdir()}
    if any("idx3-ubyte" in n for n in names):
        return f"mnist:{folder}"
    if any(n.startswith("zip.train") for n in names) or "usps.h5" in names:
        return f"usps:{folder}"
    if (folder / "images").is_dir() and (folder / "groundTruth").is_dir():
        return f"bsds:{folder}"
    if (folder / "figure_ground").is_dir() and ((folder / "rgb").is_dir() or (folder / "gray").is_dir()):
        return f"weizmann:{folder}"
    if _holds_class_videos(folder):
        return f"videos:{folder}"
    if any(p.is_dir() and not p.name.startswith(".") for p in folder.iterdir()):
        return f"folder:{folder}"
    if any(Path(n).suffix in IMAGE_SUFFIXES for n in names):
        return f"images:{folder}"  # photos without class folders: edges, with Canny / Sobel targets
    raise DataError(f"{folder} holds no data set this app reads.",
                    "Open a folder with MNIST IDX files, USPS files, or one sub-folder of images per class.")


def _holds_class_videos(folder: Path) -> bool:
    """Class folders of videos (videos:DIR, clip classification): a sub-folder whose first files are videos."""
    for sub in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))[:3]:
        files = sorted(p for p in sub.iterdir() if p.is_file() and not p.name.startswith("."))[:5]
        if files and any(p.suffix.lower() in VIDEO_SUFFIXES for p in files):
            return True
    return False
