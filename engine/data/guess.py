"""Which data spec a dropped or opened path is: MNIST IDX, USPS, or a folder of class folders."""
from __future__ import annotations

from pathlib import Path

from engine.data.folder import IMAGE_SUFFIXES
from engine.errors import DataError


def spec_for_path(path: str | Path) -> str:
    """A data spec for `path`, or DataError saying why it is none of the known kinds."""
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path} does not exist.", "Check the path, or drop the file again.")
    folder = path if path.is_dir() else path.parent
    name = path.name.lower()
    if path.is_file():
        if "idx1-ubyte" in name or "idx3-ubyte" in name:
            return f"mnist:{folder}"
        if name.startswith("zip.train") or name.startswith("zip.test") or name.endswith(".h5"):
            return f"usps:{path}"
        raise DataError(f"{path.name} is not a data set this app reads.",
                        "Open an MNIST IDX file, a USPS zip.train / usps.h5, or a folder with one sub-folder "
                        "of images per class.")
    names = {p.name.lower() for p in folder.iterdir()}
    if any("idx3-ubyte" in n for n in names):
        return f"mnist:{folder}"
    if any(n.startswith("zip.train") for n in names) or "usps.h5" in names:
        return f"usps:{folder}"
    if any(p.is_dir() and not p.name.startswith(".") for p in folder.iterdir()):
        return f"folder:{folder}"
    if any(Path(n).suffix in IMAGE_SUFFIXES for n in names):
        raise DataError(f"{folder} holds images but no class sub-folders.",
                        "Put the images of each class in a sub-folder named after the class (DIR/cat/*.png, "
                        "DIR/dog/*.png).")
    raise DataError(f"{folder} holds no data set this app reads.",
                    "Open a folder with MNIST IDX files, USPS files, or one sub-folder of images per class.")
