"""`python main.py train` and `predict` as a user runs them, on the files that used to crash or hang them: one
image per class with a test split (a division by zero in training), a PostScript "image", a decompression bomb,
a named pipe among the images."""
import json
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[2]
POSTSCRIPT = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 32 24\n{ } loop\nshowpage\n"


def run(*args, timeout=240) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "main.py", *map(str, args)], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)


def test_train_on_one_image_per_class_with_a_test_split_then_predict_hostile_files(tmp_path):
    data = tmp_path / "data"
    for k, name in enumerate(("a", "b", "c")):
        (data / name).mkdir(parents=True)
        assert cv2.imwrite(str(data / name / "only.png"), np.full((8, 8), 90 * k, np.uint8))
    os.mkfifo(data / "a" / "pipe.png")
    (data / "b" / "horse1.png").write_bytes(POSTSCRIPT)
    trained = run("train", "--task", "classify", "--data", f"folder:{data}?test=0.2&size=8", "--epochs", "1",
                  "--hidden", "4", "--layers", "1", "--threads", "1", "--out", tmp_path / "run", "--json")
    assert trained.returncode == 0, trained.stderr
    assert "Traceback" not in trained.stderr and "bug" not in trained.stderr
    assert json.loads(trained.stdout.strip().splitlines()[-1])["checkpoint"]

    bomb = tmp_path / "bomb.png"  # its header declares 60,000 x 60,000 grey pixels; a few bytes on disk
    header = b"IHDR" + struct.pack(">IIBBBBB", 60_000, 60_000, 8, 0, 0, 0, 0)
    bomb.write_bytes(b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + header + struct.pack(">I", zlib.crc32(header)))
    predicted = run("predict", "--checkpoint", tmp_path / "run" / "model.ckpt", data / "b" / "horse1.png", bomb,
                    data / "c" / "only.png")
    assert predicted.returncode == 1 and "Traceback" not in predicted.stderr
    assert "looks like PostScript" in predicted.stderr and "decompression bomb" in predicted.stderr
    assert "only.png" in predicted.stdout
