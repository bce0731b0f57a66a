"""Runs every entry of the op database (parity/ops_*.py) against real torch."""

import glob
import importlib
import os

import pytest
from opinfo import check_op


def all_ops():
    ops = []
    here = os.path.dirname(__file__)
    for path in sorted(glob.glob(os.path.join(here, "ops_*.py"))):
        mod = importlib.import_module(os.path.basename(path)[:-3])
        ops.extend(mod.OPS)
    return ops


ALL_OPS = all_ops()


@pytest.mark.parametrize("op", ALL_OPS, ids=[op.name for op in ALL_OPS])
def test_op(op):
    check_op(op)


def test_names_unique():
    names = [op.name for op in ALL_OPS]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
