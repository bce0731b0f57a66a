"""The tutorial sections and the main example run end to end (shortened)."""

import os
import sys

import pytest

HERE = os.path.dirname(__file__)
sys.path.insert(0, os.path.join(HERE, "..", "examples", "tutorial"))
sys.path.insert(0, os.path.join(HERE, "..", "examples"))


def test_t1_module():
    import t1_module

    assert tuple(t1_module.main()) == (4, 1)


def test_t2_losses():
    import t2_losses

    assert t2_losses.main() > 0


def test_t3_optim_warns_about_broadcast_like_torch():
    import t3_optim

    with pytest.warns(UserWarning, match=r"Using a target size \(torch.Size\(\[506\]\)\) that is different to the input size \(torch.Size\(\[506, 1\]\)\)"):
        assert t3_optim.main(steps=20) > 0


def test_t4_data():
    import t4_data

    assert t4_data.main(workers=0) == [3, 4, 5, 6]


def test_t5_save_load():
    import t5_save_load

    assert t5_save_load.main() == 3


def test_t6_tensorboard(tmp_path):
    import t6_tensorboard
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    logdir = t6_tensorboard.main(steps=5, log_dir=str(tmp_path))
    ea = EventAccumulator(logdir)
    ea.Reload()
    assert [e.step for e in ea.Scalars("Loss/train")] == list(range(5))
    assert ea.Tags()["graph"]


def test_main_job_digits():
    import train_digits

    import tempfile

    assert train_digits.main(epochs=2, logdir=tempfile.mkdtemp()) > 0.8
