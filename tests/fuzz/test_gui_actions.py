"""The seeded GUI action fuzzer (tests/fuzz/gui_fuzzer.py) over a few seeds; a long run is

GRADVIZ_FUZZ=long pytest tests/fuzz/test_gui_actions.py     # 12 seeds × 1,000 actions
QT_QPA_PLATFORM=offscreen python -m tests.fuzz.gui_fuzzer --seeds 20 --actions 2000
"""

import pytest

from . import gui_fuzzer
from .budget import LONG

SEEDS = range(12) if LONG else range(3)
ACTIONS = 1000 if LONG else 150


@pytest.mark.parametrize("seed", SEEDS)
def test_random_actions_never_break_the_window(qtbot, tmp_path, seed):
    summary = gui_fuzzer.fuzz(seed, ACTIONS, qtbot=qtbot, out_dir=tmp_path)
    assert summary["problems"] == [], f"replay: python -m tests.fuzz.gui_fuzzer --replay {summary.get('replay')}"


def test_the_shrinker_finds_the_one_action_that_fails():
    actions = [["key", "Right"]] * 5 + [["boom"]] + [["key", "Left"]] * 4
    assert gui_fuzzer.shrink(actions, lambda trial: ["boom"] in trial) == [["boom"]]
