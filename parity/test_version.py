"""torch.__version__: jtorch's TorchVersion compares like torch's against strings, tuples and Versions."""

import pytest
import torch
from packaging.version import Version
from torch.torch_version import TorchVersion as TorchTorchVersion

import jtorch
from jtorch.torch_version import TorchVersion

torch.set_num_threads(1)

OTHERS = ["2.0", "2.13", "2.13.0", "2.14", "1.9.1", (2, 13), (2, 12, 1), (3,), "parrot"]


@pytest.mark.parametrize("other", OTHERS, ids=str)
@pytest.mark.parametrize("op", ["__gt__", "__lt__", "__ge__", "__le__", "__eq__"])
def test_comparisons_match_torch(op, other):
    for v in ("2.13.0+cpu", "2.13.0+jtorch.0.1.0", "1.10.0a0"):
        assert getattr(TorchVersion(v), op)(other) == getattr(TorchTorchVersion(v), op)(other), (v, op, other)


def test_version_follows_torch_api():
    assert isinstance(jtorch.__version__, str)
    assert jtorch.__version__.split("+")[0] == torch.__version__.split("+")[0]
    assert jtorch.__version__ == jtorch.version.__version__
    assert jtorch.__version__ >= Version("2.13") and jtorch.__version__ < Version("2.14")
    assert Version(jtorch.__version__).release == Version(torch.__version__).release
