"""`python main.py predict` never loses a user's file: every input and every file that was there before is
byte-for-byte the same after the command, whether it was refused or succeeded (unless --overwrite named
it as an output), for edge maps, edge videos, masks and rollouts. Inputs of the same file name get
distinct outputs. Tiny checkpoints are trained by `train` in a fixture; each scene has its own folder."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pytest

from e2e_runs import fingerprint, run_all, tiny_train_commands
from engine.data.video import read_frames, write_video
from tiny_edges import rectangles

JUNK = b"the user's own file, not an output\n"


@dataclass
class Scene:
    folder: Path
    before: dict[str, str]
    after: dict[str, str]
    process: object

    @property
    def changed(self) -> set[str]:
        return {name for name, digest in self.before.items() if self.after.get(name) != digest}

    @property
    def added(self) -> set[str]:
        return set(self.after) - set(self.before)


def photo(path: Path, seed: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    image, _ = rectangles((40, 56), 3, np.random.default_rng(seed))
    assert cv2.imwrite(str(path), image)
    return path


def clip(path: Path, seed: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    image, _ = rectangles((48, 48), 3, np.random.default_rng(seed))
    write_video(path, [np.roll(image, 3 * t, 1) for t in range(5)], 10)
    return path


def junk(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(JUNK)
    return path


def sequences(path: Path) -> Path:
    np.savez(path, frames=np.random.default_rng(0).integers(0, 255, (3, 6, 64, 64)).astype(np.uint8))
    return path


def edge_scenes(f: dict[str, Path], ckpt: Path) -> dict[str, list]:
    """name -> predict arguments; the files are written into f[name] here."""
    ok = f["edges_ok"]
    inputs = [photo(ok / "d1/a.png", 1), photo(ok / "d2/a.png", 2), photo(ok / "a-2.png", 3),
              clip(ok / "v1/clip.avi", 4), clip(ok / "v2/clip.avi", 5)]
    exists = f["edges_exists"]
    junk(exists / "out/a_thin.png"), junk(exists / "out/clip_edges.mp4")
    unread = f["edges_unread_input"]  # the issue: <stem>_edges.png is also an input, not yet read
    over = f["edges_overwrite"]
    junk(over / "out/a_edges.png")
    into = f["edges_out_is_input"]
    return {
        "edges_ok": [*inputs, "--out", ok / "out", "--json"],
        "edges_exists": [photo(exists / "a.png", 1), clip(exists / "v/clip.avi", 2), "--out", exists / "out"],
        "edges_unread_input": [photo(unread / "x/a.png", 1), photo(unread / "x/a_edges.png", 2),
                               "--out", unread / "x", "--overwrite"],
        "edges_overwrite": [photo(over / "a.png", 1), "--out", over / "out", "--overwrite", "--json"],
        "edges_out_is_input": [photo(into / "a.png", 1), photo(into / "b.png", 2), "--out", into / "b.png"],
    }


def mask_scenes(f: dict[str, Path]) -> dict[str, list]:
    unread, ok = f["masks_unread_input"], f["masks_ok"]
    return {
        "masks_unread_input": [photo(unread / "x/h.png", 1), photo(unread / "x/h_mask.png", 2), "--out", unread / "x",
                               "--overwrite"],
        "masks_ok": [photo(ok / "d1/h.png", 1), photo(ok / "d2/h.png", 2), "--out", ok / "masks", "--json"],
    }


def rollout_scenes(f: dict[str, Path]) -> dict[str, list]:
    onto, existing, named, ok = f["roll_onto_input"], f["roll_existing"], f["roll_input_is_output"], f["roll_ok"]
    junk(existing / "roll_1.gif")
    bsds = f["roll_other_task_data"]
    photo(bsds / "images/test/1.jpg", 1), junk(bsds / "groundTruth/test/1.mat")
    return {
        "roll_onto_input": [clip(onto / "clip.avi", 1), "--out", onto / "clip.avi", "--overwrite"],
        "roll_existing": [clip(existing / "clip.avi", 1), f"mmnist:{sequences(existing / 'seq.npz')}",
                          "--out", existing / "roll.gif"],
        "roll_input_is_output": [clip(named / "roll_0.mp4", 1), clip(named / "clip.avi", 2),
                                 "--out", named / "roll.mp4", "--overwrite"],
        "roll_ok": [clip(ok / "clip.avi", 1), f"mmnist:{sequences(ok / 'seq.npz')}", "moving:5",
                    "--out", ok / "r/roll.mp4", "--json"],
        "roll_other_task_data": [f"bsds:{bsds}", "--out", bsds / "r.mp4"],
    }


@pytest.fixture(scope="module")
def checkpoints(tmp_path_factory):
    root = tmp_path_factory.mktemp("checkpoints")
    for task, process in run_all(tiny_train_commands(root, ("edges", "segment", "predict"))).items():
        assert process.returncode == 0, f"{task}: {process.stderr[-3000:]}"
    return root


@pytest.fixture(scope="module")
def scenes(checkpoints, tmp_path_factory) -> dict[str, Scene]:
    """Every command of this file, each on its own folder of user files, run together."""
    base = tmp_path_factory.mktemp("scenes")
    names = ["edges_ok", "edges_exists", "edges_unread_input", "edges_overwrite", "edges_out_is_input",
             "masks_unread_input", "masks_ok", "roll_onto_input", "roll_existing", "roll_input_is_output", "roll_ok",
             "roll_other_task_data", "evaluate_other_task_data"]
    folders = {name: base / name for name in names}
    for folder in folders.values():
        folder.mkdir()
    by_task = {"edges": edge_scenes(folders, checkpoints), "segment": mask_scenes(folders),
               "predict": rollout_scenes(folders)}
    commands = {name: ["predict", "--checkpoint", checkpoints / task / "model.ckpt", *args, "--threads", "1"]
                for task, scenes in by_task.items() for name, args in scenes.items()}
    commands["evaluate_other_task_data"] = ["evaluate", "--checkpoint", checkpoints / "predict" / "model.ckpt",
                                            "--data", f"bsds:{folders['roll_other_task_data']}", "--threads", "1"]
    before = {name: fingerprint(folder) for name, folder in folders.items()}
    models = fingerprint(checkpoints)
    done = run_all(commands)
    assert fingerprint(checkpoints) == models  # the checkpoints themselves are never written
    return {name: Scene(folders[name], before[name], fingerprint(folders[name]), done[name]) for name in names}


def assert_refused(scene: Scene, *phrases: str) -> None:
    """Exit 2 with a message and a hint, and not one byte changed or added in the scene's folder."""
    err = scene.process.stderr
    assert scene.process.returncode == 2, (scene.process.returncode, err)
    assert "Traceback" not in err and "error:" in err and "hint:" in err, err
    for phrase in phrases:
        assert phrase in err, (phrase, err)
    assert scene.changed == set() and scene.added == set(), (scene.changed, scene.added)


def results(scene: Scene, key: str) -> list[dict]:
    assert scene.process.returncode == 0, scene.process.stderr
    return json.loads(scene.process.stdout.strip().splitlines()[-1])[key]


# ---- refused: nothing is written, nothing changes ----

def test_existing_outputs_are_listed_and_kept_without_overwrite(scenes):
    scene = scenes["edges_exists"]
    assert_refused(scene, "2 output file(s) already exist", "a_thin.png", "clip_edges.mp4", "--overwrite")
    assert (scene.folder / "out/a_thin.png").read_bytes() == JUNK


def test_an_input_not_yet_read_is_never_an_output_even_with_overwrite(scenes):
    assert_refused(scenes["edges_unread_input"], "a_edges.png", "inputs")
    assert_refused(scenes["masks_unread_input"], "h_mask.png", "inputs")


def test_out_naming_an_input_file_is_refused(scenes):
    assert_refused(scenes["edges_out_is_input"], "b.png", "is one of the inputs, not a folder")


def test_a_rollout_onto_its_own_input_video_is_refused(scenes):
    assert_refused(scenes["roll_onto_input"], "clip.avi", "inputs")


def test_rollouts_of_several_inputs_never_hit_inputs_or_existing_files(scenes):
    assert_refused(scenes["roll_existing"], "1 output file(s) already exist", "roll_1.gif")
    assert_refused(scenes["roll_input_is_output"], "roll_0.mp4", "inputs")


def test_data_of_another_task_names_the_checkpoints_task(scenes):
    for name in ("roll_other_task_data", "evaluate_other_task_data"):
        assert_refused(scenes[name], "task 'predict'", "'bsds' data", "task 'edges'")
        assert "does not exist" not in scenes[name].process.stderr


# ---- done: the outputs are new files, every file that was there is unchanged ----

def test_edge_maps_and_videos_of_same_named_inputs_are_all_kept(scenes):
    scene = scenes["edges_ok"]
    written = results(scene, "edges")
    assert scene.changed == set()
    assert scene.added == {f"out/{stem}_{kind}.png" for stem in ("a", "a-2", "a-3") for kind in ("edges", "thin")} | {
        "out/clip_edges.mp4", "out/clip-2_edges.mp4"}
    by_input = {Path(item["path"]).relative_to(scene.folder).as_posix(): item for item in written}
    assert by_input["d2/a.png"]["renamed"] == "a-3" and "renamed" not in by_input["d1/a.png"]
    assert by_input["v2/clip.avi"]["renamed"] == "clip-2" and by_input["v2/clip.avi"]["frames"] == 5
    assert "d2/a.png has the same file name as another input" in scene.process.stderr
    first, second = (cv2.imread(by_input[k]["edges"], cv2.IMREAD_GRAYSCALE) for k in ("d1/a.png", "d2/a.png"))
    assert first.shape == second.shape == (40, 56) and not np.array_equal(first, second)  # two results, both kept
    assert read_frames(scene.folder / "out/clip-2_edges.mp4").shape[0] == 5


def test_overwrite_replaces_only_the_named_outputs(scenes):
    scene = scenes["edges_overwrite"]
    (item,) = results(scene, "edges")
    assert scene.changed == {"out/a_edges.png"} and scene.added == {"out/a_thin.png"}
    assert cv2.imread(item["edges"], cv2.IMREAD_GRAYSCALE).shape == (40, 56)  # a whole PNG, not the old bytes


def test_masks_of_same_named_inputs_are_all_kept(scenes):
    scene = scenes["masks_ok"]
    written = results(scene, "masks")
    assert scene.changed == set()
    assert scene.added == {f"masks/{stem}_{kind}.png" for stem in ("h", "h-2") for kind in ("mask", "overlay")}
    assert [item.get("renamed", "") for item in written] == ["", "h-2"]
    assert cv2.imread(written[1]["mask"], cv2.IMREAD_UNCHANGED).shape == (40, 56)


def test_rollouts_of_several_inputs_get_one_file_each(scenes):
    scene = scenes["roll_ok"]
    written = results(scene, "rollouts")
    assert scene.changed == set() and scene.added == {f"r/roll_{i}.mp4" for i in range(3)}
    assert [Path(item["video"]).name for item in written] == ["roll_0.mp4", "roll_1.mp4", "roll_2.mp4"]
    assert all(read_frames(item["video"]).shape[0] == 2 + 2 for item in written)  # 2 seed + 2 generated frames
