"""The tutorial sections and the main example run end to end (shortened) under jtorch.

Agreement of their printed numbers with real torch is checked in parity/test_programs.py.
"""

import os
import sys
import tempfile

import pytest

HERE = os.path.dirname(__file__)
sys.path.insert(0, os.path.join(HERE, "..", "examples", "tutorial"))
sys.path.insert(0, os.path.join(HERE, "..", "examples"))


def test_t1_module():
    import t1_module

    assert tuple(t1_module.main()) == (4, 1)


def test_t2_linear_regression_loss_decreases(capsys):
    import t2_linear_regression

    final = t2_linear_regression.main(steps=1001)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("step     0 loss ") and lines[1].startswith("step  1000 loss ")
    first = float(lines[0].split()[-1])
    assert final < first / 5  # the bias reaches the target mean within 1000 steps (from ~29000 to ~2900)


def test_t3_losses_nll_equals_cross_entropy():
    import t3_losses

    assert t3_losses.main() > 0


def test_t4_optim_warns_about_broadcast_like_torch():
    import t4_optim

    with pytest.warns(
        UserWarning,
        match=r"Using a target size \(torch.Size\(\[442\]\)\) that is different to the input size "
        r"\(torch.Size\(\[442, 1\]\)\)",
    ):
        assert t4_optim.main(steps=5) > 0


def test_t5_data():
    import t5_data

    assert t5_data.main(workers=0) == [3, 4, 5, 6]


def test_t6_save_load_resume_continues_exactly():
    import t6_save_load

    assert t6_save_load.main() == 3


def test_t7_tensorboard(tmp_path):
    import t7_tensorboard
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    logdir = t7_tensorboard.main(steps=5, log_dir=str(tmp_path))
    ea = EventAccumulator(logdir)
    ea.Reload()
    assert [e.step for e in ea.Scalars("Loss/train")] == list(range(5))
    assert ea.Tags()["graph"]
    assert "above_median" in ea.Tags()["tensors"]  # the PR curve


def test_main_job_digits():
    import train_digits

    assert train_digits.main(epochs=2, logdir=tempfile.mkdtemp()) > 0.8
