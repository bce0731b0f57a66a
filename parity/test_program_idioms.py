"""Parity for behaviour found by porting unseen PyTorch programs (research-code idioms): torch's errors for
shapes that do not broadcast, raised by every op that goes through dispatch."""

from __future__ import annotations

import pytest
import torch

import jtorch

torch.set_num_threads(1)


def raises_same(f):
    """``f(lib)`` raises the same exception type with the same message under torch and jtorch."""
    with pytest.raises(Exception) as te:
        f(torch)
    with pytest.raises(type(te.value)) as je:
        f(jtorch)
    assert str(je.value) == str(te.value)


@pytest.mark.parametrize(
    "f",
    [
        lambda T: T.zeros(3) + T.zeros(4),
        lambda T: T.zeros(3).add_(T.zeros(4)),
        lambda T: T.zeros(2, 3) * T.zeros(3, 2),
        lambda T: T.zeros(5, 2, 3).sub(T.zeros(4, 1, 3)),
        lambda T: T.zeros(3, requires_grad=True) * T.zeros(2),
        lambda T: T.where(T.zeros(2, 3) > 0, T.zeros(3), T.zeros(4, 1)),
        lambda T: T.zeros(2, 3) < T.zeros(2),
    ],
)
def test_broadcast_mismatch_raises_torch_runtime_error(f):
    raises_same(f)
