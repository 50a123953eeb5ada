"""RunConfig <-> JSON, its error messages, and how the command line merges a config file with flags."""
import json

import pytest

from engine.cli import build_parser, config_from_args
from engine.config import RunConfig
from engine.errors import ConfigError


def test_json_round_trip(tmp_path):
    config = RunConfig(cell="lstm", hidden=32, layers=2, bidirectional=True, read="cols", lr=1e-3,
                       optimizer="rmsprop", schedule="step", patience=3, seed=7, options={"note": [1, 2]})
    path = tmp_path / "config.json"
    config.save(path)
    assert json.loads(path.read_text())["cell"] == "lstm"
    again = RunConfig.load(path)
    assert again == config and again.to_dict() == config.to_dict()
    assert RunConfig.from_dict(config.to_dict()) == config


def test_defaults_round_trip_and_replace():
    config = RunConfig()
    assert RunConfig.from_dict(config.to_dict()) == config
    changed = config.replace(hidden=16)
    assert changed.hidden == 16 and config.hidden == RunConfig().hidden


@pytest.mark.parametrize("values, key", [
    ({"hiden": 64}, "hiden"),
    ({"cell": "gru", "colour": "red"}, "colour"),
])
def test_unknown_keys_are_named(values, key):
    with pytest.raises(ConfigError) as info:
        RunConfig.from_dict(values)
    assert key in info.value.message and "hidden" in info.value.hint  # the hint lists the known keys


@pytest.mark.parametrize("key, value", [
    ("hidden", "big"), ("hidden", True), ("hidden", 1.5), ("lr", "fast"), ("bidirectional", 1),
    ("cell", 3), ("options", [1]), ("epochs", None),
])
def test_wrong_types_are_named(key, value):
    with pytest.raises(ConfigError) as info:
        RunConfig.from_dict({key: value})
    assert repr(key) in info.value.message


def test_json_numbers_are_accepted_where_exact():
    config = RunConfig.from_dict({"epochs": 3.0, "lr": 1, "dropout": 0})
    assert config.epochs == 3 and type(config.epochs) is int
    assert config.lr == 1.0 and type(config.lr) is float


@pytest.mark.parametrize("values, word", [
    ({"cell": "transformer"}, "cell"), ({"read": "diagonal"}, "read order"), ({"optimizer": "lbfgs"}, "optimiser"),
    ({"schedule": "linear"}, "schedule"), ({"hidden": 0}, "hidden"), ({"dropout": 1.0}, "dropout"),
    ({"val_fraction": 0.95}, "val_fraction"), ({"lr": 0.0}, "learning rate"), ({"epochs": 0}, "epochs"),
])
def test_impossible_values(values, word):
    with pytest.raises(ConfigError, match=word):
        RunConfig.from_dict(values)


def test_config_file_errors(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        RunConfig.load(tmp_path / "missing.json")
    (tmp_path / "broken.json").write_text('{"cell": ')
    with pytest.raises(ConfigError, match="not valid JSON"):
        RunConfig.load(tmp_path / "broken.json")
    (tmp_path / "list.json").write_text("[1, 2]")
    with pytest.raises(ConfigError, match="JSON object"):
        RunConfig.load(tmp_path / "list.json")


def _train_args(*argv):
    return build_parser().parse_args(["train", *argv])


def test_cli_flags_override_the_config_file(tmp_path):
    path = tmp_path / "config.json"
    RunConfig(cell="lstm", hidden=32, epochs=4, bidirectional=True, val_fraction=0.2, seed=3).save(path)
    config = config_from_args(_train_args("--config", str(path), "--hidden", "16", "--no-bidirectional",
                                          "--val-fraction", "0.0"))
    assert (config.cell, config.epochs, config.seed) == ("lstm", 4, 3)  # from the file
    assert (config.hidden, config.bidirectional, config.val_fraction) == (16, False, 0.0)  # from the flags
    assert config.batch == RunConfig().batch  # neither: the default


def test_cli_without_config_file_uses_defaults_plus_flags():
    config = config_from_args(_train_args("--cell", "rnn", "--augment"))
    assert config == RunConfig(cell="rnn", augment=True)


def test_cli_config_file_with_unknown_key(tmp_path):
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"cell": "gru", "learning_rate": 0.1}))
    with pytest.raises(ConfigError, match="learning_rate"):
        config_from_args(_train_args("--config", str(path)))


def test_cli_flag_with_bad_value_is_refused():
    with pytest.raises(ConfigError, match="Unknown cell"):
        config_from_args(_train_args("--cell", "transformer"))
