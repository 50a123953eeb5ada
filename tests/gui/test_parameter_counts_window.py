"""The model panel counts the parameters of the segment, predict and video-classify models as soon as their
data is loaded (torch-free formulas, engine/models/sizes.py), and follows the settings."""
from __future__ import annotations

import pytest

from window_helpers import load_data

pytestmark = pytest.mark.usefixtures("private_cache")


def number(text: str) -> int:
    digits = "".join(ch for ch in text if ch.isdigit())
    assert digits, f"no count shown: {text!r}"
    return int(digits)


@pytest.mark.parametrize("spec,task", [("shapes:8?size=32", "segment"), ("moving:12?digits=1", "predict"),
                                       ("moving:12", "video-classify")])
def test_count_shown_once_data_is_loaded_and_follows_hidden(window, qtbot, spec, task):
    panel = window.model_panel
    panel.set_task(task)
    assert "load data" in panel.params.text()
    load_data(window, qtbot, spec, task)
    panel.hidden.setValue(8)
    small = number(panel.params.text())
    panel.hidden.setValue(24)
    assert number(panel.params.text()) > small > 0
