"""engine.output_plan and engine.atomic_files: where predict writes is decided and checked before any work,
and every file appears whole or not at all. No torch, no checkpoints: files in a temporary folder."""
from __future__ import annotations

import os
import stat
from pathlib import Path

import numpy as np
import pytest

from engine.atomic_files import write_bytes, written_atomically
from engine.data.video import WRITE_SUFFIXES, write_video
from engine.errors import ConfigError, DataError
from engine.output_plan import display_stem, input_location, plan_files, plan_folder

TAILS = {"edges": "_edges.png", "thin": "_thin.png"}
MINE = b"a file of the user's\n"


def images(*paths: Path) -> list[tuple[str, Path, dict]]:
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(MINE)
    return [(str(path), path, TAILS) for path in paths]


def plan(inputs, out, overwrite=False, extra=()):
    return plan_folder(inputs, out, [where for _, where, _ in inputs] + list(extra), overwrite)


def files_under(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


# ---- names ----

def test_same_file_names_get_distinct_outputs_and_say_so(tmp_path):
    inputs = images(tmp_path / "d1/a.png", tmp_path / "d2/a.png", tmp_path / "a-2.png", tmp_path / "d3/a.png")
    planned = plan(inputs, tmp_path / "out")
    assert [p.files["edges"].name for p in planned] == ["a_edges.png", "a-3_edges.png", "a-2_edges.png",
                                                         "a-4_edges.png"]
    assert [p.renamed for p in planned] == ["", "a-3", "", "a-4"]  # a-2 is another input's own name
    assert len({path for p in planned for path in p.files.values()}) == 8


def test_names_differing_only_in_case_are_distinct_outputs(tmp_path):
    planned = plan(images(tmp_path / "x/A.png", tmp_path / "y/a.png"), tmp_path / "out")
    assert [p.files["thin"].name for p in planned] == ["A_thin.png", "a-2_thin.png"]  # one file on macOS


def test_the_same_input_twice_writes_two_outputs(tmp_path):
    (path,) = images(tmp_path / "a.png")
    assert [p.renamed for p in plan([path, path], tmp_path / "out")] == ["", "a-2"]


def test_input_locations_of_specs():
    assert input_location("video:/v/clip.mp4?size=32x32", spec=True) == Path("/v/clip.mp4")
    assert input_location("/v/clip.mp4?stride=2", spec=True) == Path("/v/clip.mp4")
    assert input_location("mmnist:~/seq.npz", spec=True) == Path("~/seq.npz").expanduser()
    assert input_location("moving:5", spec=True) is None and input_location("camera:0", spec=True) is None
    assert input_location("odd:name?.png") == Path("odd:name?.png")  # an image path is taken as written
    assert display_stem("moving:5?seed=2", None) == "moving_5"


# ---- refused: a ConfigError, and nothing made ----

def test_an_output_that_is_an_input_is_refused_even_with_overwrite(tmp_path):
    inputs = images(tmp_path / "x/a.png", tmp_path / "x/a_edges.png")
    with pytest.raises(ConfigError, match="a_edges.png would be written over one of this command's inputs"):
        plan(inputs, tmp_path / "x", overwrite=True)


def test_a_hard_link_or_symlink_to_an_input_is_that_input(tmp_path):
    inputs = images(tmp_path / "a.png")
    (tmp_path / "out").mkdir()
    os.link(tmp_path / "a.png", tmp_path / "out/a_edges.png")
    with pytest.raises(ConfigError, match="over one of this command's inputs"):
        plan(inputs, tmp_path / "out", overwrite=True)
    (tmp_path / "other").mkdir()
    (tmp_path / "other/a_thin.png").symlink_to(tmp_path / "a.png")
    with pytest.raises(ConfigError, match="a_thin.png would be written over"):
        plan(inputs, tmp_path / "other", overwrite=True)


def test_existing_outputs_are_listed_first_few_then_counted(tmp_path):
    inputs = images(*(tmp_path / f"{i}.png" for i in range(4)))
    (tmp_path / "out").mkdir()
    for i in range(4):
        (tmp_path / f"out/{i}_edges.png").write_bytes(MINE)
        (tmp_path / f"out/{i}_thin.png").write_bytes(MINE)
    with pytest.raises(ConfigError) as caught:
        plan(inputs, tmp_path / "out")
    message = caught.value.message
    assert message.startswith("8 output file(s) already exist") and message.count("_edges.png") + message.count(
        "_thin.png") == 5 and "and 3 more" in message
    assert "--overwrite" in caught.value.hint and "--out" in caught.value.hint
    assert len(plan(inputs, tmp_path / "out", overwrite=True)) == 4


def test_a_dangling_link_where_an_output_goes_counts_as_existing(tmp_path):
    inputs = images(tmp_path / "a.png")
    (tmp_path / "out").mkdir()
    (tmp_path / "out/a_edges.png").symlink_to(tmp_path / "gone.png")
    with pytest.raises(ConfigError, match="1 output file"):
        plan(inputs, tmp_path / "out")


def test_out_folder_problems(tmp_path):
    inputs = images(tmp_path / "a.png", tmp_path / "b.png")
    with pytest.raises(ConfigError, match="b.png is one of the inputs, not a folder"):
        plan(inputs, tmp_path / "b.png")
    (tmp_path / "notes.txt").write_bytes(MINE)
    with pytest.raises(ConfigError, match="notes.txt is a file; the outputs go into a folder"):
        plan(inputs, tmp_path / "notes.txt")
    with pytest.raises(ConfigError, match="Cannot make the folder .*notes.txt is a file"):
        plan(inputs, tmp_path / "notes.txt" / "deeper" / "out")
    (tmp_path / "out/a_edges.png").mkdir(parents=True)
    with pytest.raises(ConfigError, match="a_edges.png is a folder"):
        plan(inputs, tmp_path / "out", overwrite=True)


def test_a_refused_plan_makes_no_folder(tmp_path):
    inputs = images(tmp_path / "in/a.png", tmp_path / "in/a_thin.png")
    before = files_under(tmp_path)
    with pytest.raises(ConfigError):
        plan(inputs, tmp_path / "in")
    with pytest.raises(ConfigError):
        plan(images(tmp_path / "c.png") + inputs, tmp_path / "new/out", extra=[tmp_path / "new/out/c_edges.png"])
    assert files_under(tmp_path) == before | {"c.png"}  # neither new/ nor out/ was made


def test_rollout_files(tmp_path):
    (tmp_path / "clip.avi").write_bytes(MINE)
    protected = [tmp_path / "clip.avi", tmp_path / "model.ckpt"]
    (one,) = plan_files(["clip.avi"], tmp_path / "roll.gif", protected, False, WRITE_SUFFIXES)
    assert one.files["video"] == tmp_path / "roll.gif"
    several = plan_files(["a", "b", "c"], tmp_path / "r/roll.mp4", protected, False, WRITE_SUFFIXES)
    assert [p.files["video"].name for p in several] == ["roll_0.mp4", "roll_1.mp4", "roll_2.mp4"]
    with pytest.raises(ConfigError, match="is a folder; a rollout is one video file"):
        plan_files(["a"], tmp_path, protected, True, WRITE_SUFFIXES)
    with pytest.raises(ConfigError, match=r"not a file type a rollout can be written as \(.npz\)"):
        plan_files(["a"], tmp_path / "seq.npz", protected, True, WRITE_SUFFIXES)
    with pytest.raises(ConfigError, match="clip.avi would be written over"):
        plan_files(["a"], tmp_path / "clip.avi", protected, True, WRITE_SUFFIXES)
    (tmp_path / "roll_1.avi").write_bytes(MINE)
    with pytest.raises(ConfigError, match="roll_1.avi"):
        plan_files(["a", "b"], tmp_path / "roll.avi", protected, False, WRITE_SUFFIXES)
    assert (tmp_path / "roll_1.avi").read_bytes() == MINE and not (tmp_path / "r").exists()


# ---- atomic writes ----

def test_write_bytes_never_replaces_a_file_without_overwrite(tmp_path):
    target = tmp_path / "a_edges.png"
    target.write_bytes(MINE)
    with pytest.raises(DataError, match="left as it is"):
        write_bytes(target, b"new", overwrite=False)
    assert target.read_bytes() == MINE and files_under(tmp_path) == {"a_edges.png"}
    write_bytes(target, b"new", overwrite=True)
    assert target.read_bytes() == b"new" and files_under(tmp_path) == {"a_edges.png"}


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "out.png"
    target.write_bytes(MINE)
    with pytest.raises(RuntimeError):
        with written_atomically(target) as temp:
            temp.write_bytes(b"half a pic")
            raise RuntimeError("the encoder gave up")
    assert target.read_bytes() == MINE and files_under(tmp_path) == {"out.png"}


def test_new_files_get_the_usual_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        write_bytes(tmp_path / "a.png", b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.png").stat().st_mode) == 0o644  # not mkstemp's 0600


def test_write_video_keeps_an_existing_file_without_overwrite(tmp_path):
    target = tmp_path / "clip.mp4"
    target.write_bytes(MINE)
    frames = [np.full((16, 16, 3), 40 * t, np.uint8) for t in range(3)]
    with pytest.raises(DataError, match="left as it is"):
        write_video(target, frames, 5, overwrite=False)
    assert target.read_bytes() == MINE and files_under(tmp_path) == {"clip.mp4"}
    assert write_video(target, frames, 5) == 3 and target.read_bytes() != MINE
