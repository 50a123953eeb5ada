"""A sweep's search space (engine/sweep_space.py): lists and ranges of settings and task options, checked
against the base config before any trial runs."""
import pytest

from engine.config import RunConfig
from engine.errors import ConfigError
from engine.sweep_space import apply, grid, grid_size, parse_space, read_space, suggest


class FixedTrial:
    """What an Optuna trial answers, without Optuna: the first choice, a range's low end."""

    def suggest_categorical(self, name, choices):
        return choices[0]

    def suggest_int(self, name, low, high, step=1, log=False):
        return low

    def suggest_float(self, name, low, high, step=None, log=False):
        return low


def test_lists_ranges_and_task_options():
    base = RunConfig(task="edges", data="shapes", cell="gru", hidden=32, layers=1, batch=4)
    dims = parse_space({"cell": ["lstm", "gru"], "hidden": {"low": 8, "high": 64, "log": True},
                        "lr": {"low": 1e-4, "high": 1e-2, "log": True}, "options.scale": [0.5, 0.7]}, base)
    assert [d.name for d in dims] == ["cell", "hidden", "lr", "options.scale"]
    assert dims[1].whole and not dims[2].whole and dims[1].describe() == "8 .. 64 (log)"
    values = suggest(FixedTrial(), dims)
    assert values == {"cell": "lstm", "hidden": 8, "lr": 1e-4, "options.scale": 0.5}
    config = apply(values, base.replace(options={"width": 4}))
    assert config.cell == "lstm" and config.hidden == 8 and config.options == {"width": 4, "scale": 0.5}
    assert grid_size(dims) is None
    with pytest.raises(ConfigError, match="hidden, lr is a range"):
        grid(dims)
    assert grid(dims[:1]) == {"cell": ["lstm", "gru"]} and grid_size(dims[:1]) == 2


@pytest.mark.parametrize("space,words", [
    ({"colour": ["red"]}, "'colour' cannot vary"),
    ({"out": ["a", "b"]}, "'out' cannot vary"),
    ({"cell": ["convlstm"]}, "needs"),  # not a cell of the classify task
    ({"hidden": {"low": 8.5, "high": 16}}, "whole number"),
    ({"layers": {"low": 1, "high": 20}}, "within 1 .. 8"),
    ({"lr": {"low": 0.0, "high": 0.1, "log": True}}, "low > 0"),
    ({"options.nope": [1, 2]}, "has no option 'nope'"),
    ({"cell": []}, "list of different values"),
    ({}, "empty"),
])
def test_bad_spaces_are_refused_with_what_to_change(space, words):
    with pytest.raises(ConfigError, match=words):
        parse_space(space, RunConfig())


def test_space_from_text_or_file(tmp_path):
    assert read_space('{"cell": ["gru"]}') == {"cell": ["gru"]}
    path = tmp_path / "space.json"
    path.write_text('{"batch": [32, 64]}')
    assert read_space(str(path)) == {"batch": [32, 64]}
    with pytest.raises(ConfigError, match="neither JSON nor a file"):
        read_space(str(tmp_path / "missing.json"))
