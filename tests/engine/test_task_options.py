"""engine/tasks/options.py: every task reads --option values the same way."""
import pytest

from engine.config import RunConfig
from engine.errors import ConfigError
from engine.tasks.options import read_options
from engine.tasks.spec import OptionSpec

TABLE = (OptionSpec("side", 112, int, "a size"), OptionSpec("zoom", 1.3, float, "a factor"),
         OptionSpec("vflip", False, bool, "a switch"), OptionSpec("scales", [1.0], list, "factors", low=0.1, high=4))


def test_defaults_text_values_and_json_values():
    assert read_options("t", TABLE, None) == {"side": 112, "zoom": 1.3, "vflip": False, "scales": [1.0]}
    values = read_options("t", TABLE, {"side": "96", "zoom": 2, "vflip": "on", "scales": "0.7,1,1.4"})
    assert values == {"side": 96, "zoom": 2.0, "vflip": True, "scales": [0.7, 1.0, 1.4]}


@pytest.mark.parametrize("given, message", [({"sidee": 3}, "Unknown option.*sidee"),
                                            ({"side": 2.5}, "side must be int"),
                                            ({"vflip": "maybe"}, "vflip must be bool"),
                                            ({"scales": "9"}, "list of numbers")])
def test_bad_names_and_values_say_what_is_wrong(given, message):
    with pytest.raises(ConfigError, match=message):
        read_options("t", TABLE, given)


def test_each_task_uses_it():
    from engine.tasks.edges import targets as edge_targets
    from engine.tasks.predict import task as frames
    from engine.tasks.segment import task as segment
    from engine.tasks.video_classify import task as video_classify

    with pytest.raises(ConfigError, match="Unknown option.*for the segment task"):
        segment.task_options(RunConfig(task="segment", options={"nope": 1}))
    with pytest.raises(ConfigError, match="Unknown option.*for the edges task"):
        edge_targets.task_options(RunConfig(task="edges", options={"nope": 1}), True)
    with pytest.raises(ConfigError, match="sampling must be float"):
        frames.options(RunConfig(task="predict", cell="convlstm", options={"sampling": "lots"}))
    with pytest.raises(ConfigError, match="Unknown option.*for the video-classify task"):
        video_classify._options(RunConfig(task="video-classify", options={"nope": 1}))
