"""engine.cli_messages: data of another task than the model's is named as such (the task's own reader
would misread it: a video reader said an existing bsds: folder "does not exist"), and skipped files are
counted, the first few listed, all with --verbose. No torch."""
import io

import pytest

from engine.cli_messages import SHOWN_SKIPPED, check_data_fits, report_skipped, skipped_json
from engine.errors import DataError


@pytest.mark.parametrize("task, spec, owner", [
    ("classify", "bsds:/data/bsds500", "'edges'"), ("segment", "mnist:/data/mnist", "'classify'"),
    ("predict", "bsds:/data/bsds500", "'edges'"), ("predict", "weizmann:/w", "'segment'"),
    ("edges", "moving:20", "'predict' or 'video-classify'"), ("video-classify", "pairs:/i,/m", "'edges' or 'segment'"),
    ("classify", "shapes:24", "'edges' or 'segment'"), ("segment", "demo", "'classify'"),
])
def test_data_for_another_task_names_both_tasks(task, spec, owner):
    with pytest.raises(DataError) as caught:
        check_data_fits(task, spec, "runs/x/model.ckpt")
    assert f"runs/x/model.ckpt is a model for the task {task!r}" in caught.value.message
    assert owner in caught.value.message and f"Give {task} data (" in caught.value.hint
    with pytest.raises(DataError, match=f"The task {task!r} cannot train on"):
        check_data_fits(task, spec)


@pytest.mark.parametrize("task, spec", [
    ("classify", "folder:/x?size=8"), ("edges", "pairs:/a,/b"), ("segment", "pairs:/a,/b"), ("predict", "moving:5"),
    ("predict", "/videos/clip.mp4"), ("predict", "frames:/shots"), ("video-classify", "videos:/v"),
    ("classify", "nosuchkind:/x"),  # an unknown kind: the reader's own message lists the kinds
])
def test_data_that_fits_or_that_no_task_claims_passes(task, spec):
    check_data_fits(task, spec, "model.ckpt")


def test_skipped_files_first_few_then_all_with_verbose():
    skipped = [(f"/d/top/bad{i}.png", f"Cannot read image /d/top/bad{i}.png: truncated") for i in range(8)]
    short, full = io.StringIO(), io.StringIO()
    report_skipped(skipped, False, short)
    report_skipped(skipped, True, full)
    lines = short.getvalue().splitlines()
    assert lines[0] == "8 file(s) skipped:" and len(lines) == 1 + SHOWN_SKIPPED + 1
    assert lines[1] == "  /d/top/bad0.png: Cannot read image: truncated"  # the path once, not twice
    assert lines[-1] == f"  ... and {8 - SHOWN_SKIPPED} more (--verbose lists them all)"
    assert len(full.getvalue().splitlines()) == 9 and "more" not in full.getvalue()
    assert skipped_json(skipped)[7] == {"path": "/d/top/bad7.png", "reason": skipped[7][1]}
    quiet = io.StringIO()
    report_skipped([], True, quiet)
    assert quiet.getvalue() == ""
