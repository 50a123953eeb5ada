"""Bounds of what a config, a config file and the task options accept: every absurd value is a ConfigError
naming the field (never a torch ValueError, a RecursionError or an exhausted machine)."""
import json
import math
import os

import pytest

from engine import device as devices
from engine.config import MAX_JSON_DEPTH, RunConfig, json_depth, option_value, parse_json_text
from engine.errors import ConfigError


@pytest.mark.parametrize("key, value, words", [
    ("lr", math.inf, "lr must be a finite number"), ("lr", math.nan, "lr must be a finite number"),
    ("dropout", math.nan, "dropout"), ("weight_decay", -1.0, "weight_decay must be 0"),
    ("weight_decay", math.nan, "weight_decay must be a finite"), ("clip", math.nan, "clip must be a finite"),
    ("clip", -math.inf, "clip"), ("val_fraction", math.nan, "val_fraction"),
    ("seed", -1, "seed must be 0-4,294,967,295"), ("seed", 2**70, "seed must be 0-4,294,967,295"),
    ("seed", 2**32, "seed"), ("threads", 100_000, "threads must be 0-1,024"), ("threads", -1, "threads"),
    ("epochs", 10**9, "epochs must be 1-100,000"), ("batch", 10**9, "batch must be 1-1,000,000"),
    ("batch", 0, "batch"), ("patience", -1, "patience"), ("hidden", 5000, "hidden"), ("layers", 9, "layers"),
])
def test_absurd_numbers_are_refused_by_name(key, value, words):
    with pytest.raises(ConfigError) as info:
        RunConfig.from_dict({key: value})
    assert words in info.value.message


def test_the_largest_sane_values_are_accepted():
    config = RunConfig.from_dict({"seed": 2**32 - 1, "threads": 1024, "epochs": 100_000, "batch": 1_000_000,
                                  "weight_decay": 0.0})
    assert config.seed == 2**32 - 1 and config.batch == 1_000_000


def test_a_4000_digit_seed_is_described_not_printed():
    with pytest.raises(ConfigError) as info:
        RunConfig.from_dict({"seed": 10**4000})
    assert "digits" in info.value.message and len(info.value.message) < 200


@pytest.mark.parametrize("options, words", [
    ({"a": [[1]]}, "list inside a list"), ({"a": {"b": 1}}, "a dict"), ({"a": list(range(100))}, "a list of 100"),
    ({"a": "x" * 5000}, "5,000 characters"), ({1: 2}, "Option names are text"),
])
def test_nested_or_huge_option_values_are_refused(options, words):
    with pytest.raises(ConfigError, match=words):
        RunConfig(options=options)


def test_deep_json_config_file_is_a_config_error(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text('{"options": {"a": ' + "[" * 100_000 + "]" * 100_000 + "}}")
    with pytest.raises(ConfigError, match=f"more than {MAX_JSON_DEPTH} levels"):
        RunConfig.load(path)


def test_config_file_with_a_5000_digit_number(tmp_path):
    path = tmp_path / "digits.json"
    path.write_text('{"seed": ' + "7" * 5000 + "}")
    with pytest.raises(ConfigError, match="not valid JSON"):
        RunConfig.load(path)


def test_config_file_that_is_a_pipe_a_folder_or_huge(tmp_path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes here")
    os.mkfifo(tmp_path / "pipe.json")
    with pytest.raises(ConfigError, match="named pipe"):  # open() would block until someone writes
        RunConfig.load(tmp_path / "pipe.json")
    with pytest.raises(ConfigError, match="is a folder"):
        RunConfig.load(tmp_path)
    (tmp_path / "big.json").write_text(" " * (2 << 20) + "{}")
    with pytest.raises(ConfigError, match="bytes; a config is a few KB"):
        RunConfig.load(tmp_path / "big.json")


def test_parse_json_text_and_option_values():
    assert parse_json_text('{"a": [1, 2]}', "X") == {"a": [1, 2]}
    assert json_depth('{"a": "[[[[", "b": [[1]]}') == 3  # brackets inside strings do not count
    with pytest.raises(ConfigError, match="X nests"):
        parse_json_text("[" * 100_000, "X")
    with pytest.raises(ConfigError, match="X is not valid JSON"):
        parse_json_text("{", "X")
    assert option_value("0.5") == 0.5 and option_value("chrono") == "chrono" and option_value("[1, 2") == "[1, 2"
    with pytest.raises(ConfigError, match="option value"):
        option_value("[" * 100_000)
    with pytest.raises(ConfigError, match="list inside a list"):  # shallow but still deeper than an option
        RunConfig(options={"scales": option_value("[[1]]")})


def test_threads_are_capped_at_the_cores_and_the_description_says_so():
    cores = os.cpu_count() or 1
    policy = devices.resolve("cpu", cores + 5)
    assert f"asked for {cores + 5}, capped at the {cores} core" in policy.description
    assert "capped" not in devices.resolve("cpu", 1).description


def test_classify_refuses_unknown_options_and_lists_the_known_ones():
    from engine.tasks.classify import task as classify

    with pytest.raises(ConfigError) as info:
        classify.TASK.prepare(RunConfig(options={"foo": 1}))
    assert "Unknown option(s) for the classify task: foo" in info.value.message and "gate_init" in info.value.hint
    with pytest.raises(ConfigError, match="gate_init must be default or chrono"):
        classify.task_options(RunConfig(options={"gate_init": "open"}))
    assert classify.task_options(RunConfig(options={"gate_init": "chrono"})) == {"gate_init": "chrono"}


def test_task_options_refuse_nan_and_unbounded_lengths():
    from engine.tasks.predict import task as frames
    from engine.tasks.segment import task as segment
    from engine.tasks.video_classify import task as video_classify

    with pytest.raises(ConfigError, match="dice must be float"):
        segment.task_options(RunConfig(task="segment", options={"dice": "nan"}))
    with pytest.raises(ConfigError, match="context must be a whole number from 1 to 1000"):
        frames.options(RunConfig(task="predict", cell="convlstm", options={"context": 10**9}))
    with pytest.raises(ConfigError, match="sampling must be in"):
        frames.options(RunConfig(task="predict", cell="convlstm", options={"sampling": -1}))
    with pytest.raises(ConfigError, match="length must be a whole number from 2 to 1000"):
        video_classify._options(RunConfig(task="video-classify", options={"length": 10**6}))


def test_saved_config_round_trips_through_the_safe_reader(tmp_path):
    config = RunConfig(seed=123, options={"gate_init": "chrono", "test_scales": [0.7, 1.0]})
    config.save(tmp_path / "c.json")
    assert RunConfig.load(tmp_path / "c.json") == config
    assert json.loads((tmp_path / "c.json").read_text())["seed"] == 123
