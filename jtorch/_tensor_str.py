"""Tensor printing as torch prints (placeholder being replaced by a faithful port)."""

from __future__ import annotations

import numpy as np


def _str(t, *, tensor_contents=None) -> str:
    body = np.array2string(np.asarray(t._data), separator=", ", precision=4)
    suffix = ""
    if t.grad_fn is not None:
        suffix = f", grad_fn=<{t.grad_fn.name()}>"
    elif t.requires_grad:
        suffix = ", requires_grad=True"
    return f"tensor({body}{suffix})"
