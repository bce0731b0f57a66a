"""A table-driven op database in the spirit of PyTorch's OpInfo.

Each ``OpInfo`` names the public jtorch names it covers, how to call the op given a torch-like
module (``torch`` or ``jtorch``), and sample inputs as numpy arrays. ``check_op`` runs every sample
under both frameworks for each dtype and compares values, dtypes, shapes and, where the op is
differentiable, the gradients of every floating input.

Tolerances are per dtype (``TOLS``): float32 results are compared at 1.3e-6 relative (torch's own
``assert_close`` default); float64 at 1e-7 relative since XLA and ATen may order sums differently;
half types at their resolution.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable

import numpy as np
import torch

import jtorch

torch.set_num_threads(1)

TOLS = {
    "float16": (1e-3, 1e-3),
    "bfloat16": (1.6e-2, 1e-2),
    "float32": (1.3e-6, 1e-5),
    "float64": (1e-7, 1e-7),
    "complex64": (1.3e-6, 1e-5),
    "complex128": (1e-7, 1e-7),
}

# Public names covered by parity tests outside the op database (``covers`` decorator below).
EXTRA_COVERED: set[str] = set()


def covers(*names: str):
    """Mark a parity test as covering these public names (for the coverage meta-test)."""
    EXTRA_COVERED.update(names)

    def deco(f):
        return f

    return deco


@dataclasses.dataclass
class Sample:
    args: tuple
    kwargs: dict = dataclasses.field(default_factory=dict)
    noncontig: bool = False  # pass array args as strided views of a larger tensor

    def __repr__(self):
        shapes = [a.shape if isinstance(a, np.ndarray) else a for a in self.args]
        return f"Sample({shapes}, {self.kwargs}{', noncontig' if self.noncontig else ''})"


@dataclasses.dataclass
class OpInfo:
    name: str
    call: Callable[..., Any]  # call(T, *args, **kwargs) with T = torch or jtorch
    samples: Callable[[np.random.Generator, np.dtype], list]  # (rng, dtype) -> [Sample]
    dtypes: tuple = ("float32", "float64")
    grad: bool = True  # compare gradients of floating inputs
    covers: tuple = ()  # public names: "add", "Tensor.add", "Tensor.add_", "Tensor.__add__", "nn.functional.relu"
    tols: dict | None = None  # dtype name -> (rtol, atol), overriding TOLS
    grad_tols: dict | None = None


def _to_torch(x, requires_grad):
    if isinstance(x, np.ndarray):
        t = torch.from_numpy(x.copy())
        return t.requires_grad_(requires_grad) if requires_grad else t
    return x


def _to_jtorch(x, requires_grad):
    if isinstance(x, np.ndarray):
        t = jtorch.from_numpy(x.copy())
        return t.requires_grad_(requires_grad) if requires_grad else t
    return x


def _noncontig(T, leaf):
    if not hasattr(leaf, "dim") or leaf.dim() == 0:
        return leaf
    return T.stack([leaf, leaf], dim=-1)[..., 0]


def _flat_outputs(out):
    if isinstance(out, (tuple, list)):
        res = []
        for o in out:
            res.extend(_flat_outputs(o))
        return res
    return [out]


def _np(x):
    if isinstance(x, torch.Tensor):
        x = x.detach()
        if x.dtype == torch.bfloat16:
            x = x.float()
        return x.numpy()
    if isinstance(x, jtorch.Tensor):
        x = x.detach()
        if x.dtype is jtorch.bfloat16:
            x = x.float()
        return x.numpy()
    return np.asarray(x)


def assert_same(t_out, j_out, rtol, atol, what=""):
    """Compare a torch result with a jtorch result: type, dtype, shape and values."""
    if isinstance(t_out, torch.Tensor):
        assert isinstance(j_out, jtorch.Tensor), f"{what}: expected a Tensor, got {type(j_out).__name__}"
        assert str(t_out.dtype) == str(j_out.dtype), f"{what}: dtype {j_out.dtype} != torch {t_out.dtype}"
        assert tuple(t_out.shape) == tuple(j_out.shape), (
            f"{what}: shape {tuple(j_out.shape)} != torch {tuple(t_out.shape)}"
        )
        a, b = _np(t_out), _np(j_out)
        if a.dtype.kind in "fc":
            np.testing.assert_allclose(b, a, rtol=rtol, atol=atol, equal_nan=True, err_msg=what)
        else:
            np.testing.assert_array_equal(b, a, err_msg=what)
    elif isinstance(t_out, (tuple, list)):
        assert isinstance(j_out, (tuple, list)) and len(t_out) == len(j_out), f"{what}: {j_out!r} vs torch {t_out!r}"
        for k, (a, b) in enumerate(zip(t_out, j_out)):
            assert_same(a, b, rtol, atol, f"{what}[{k}]")
    elif isinstance(t_out, float):
        assert isinstance(j_out, float), f"{what}: {type(j_out)} vs torch float"
        np.testing.assert_allclose(j_out, t_out, rtol=rtol, atol=atol, err_msg=what)
    else:
        assert t_out == j_out, f"{what}: {j_out!r} != torch {t_out!r}"


def check_op(op: OpInfo, seed: int = 0):
    """Run all samples of ``op`` for all its dtypes in torch and jtorch and compare."""
    for dt in op.dtypes:
        rng = np.random.default_rng(seed)
        rtol, atol = (op.tols or {}).get(dt, TOLS.get(dt, (0, 0)))
        grtol, gatol = (op.grad_tols or {}).get(dt, (rtol * 10, atol * 10))
        npdt = np.dtype(dt) if dt != "bfloat16" else np.float32
        for sample in op.samples(rng, npdt):
            what = f"{op.name}[{dt}] {sample!r}"
            is_float = lambda a: isinstance(a, np.ndarray) and a.dtype.kind in "fc"  # noqa: E731
            want_grad = op.grad and dt in ("float32", "float64", "complex64", "complex128")
            t_leaves = [_to_torch(a, want_grad and is_float(a)) for a in sample.args]
            j_leaves = [_to_jtorch(a, want_grad and is_float(a)) for a in sample.args]
            if dt == "bfloat16":
                t_leaves = [
                    a.to(torch.bfloat16) if isinstance(a, torch.Tensor) and a.is_floating_point() else a
                    for a in t_leaves
                ]
                j_leaves = [
                    a.to(jtorch.bfloat16) if isinstance(a, jtorch.Tensor) and a.is_floating_point() else a
                    for a in j_leaves
                ]
            t_args = [_noncontig(torch, a) if sample.noncontig else a for a in t_leaves]
            j_args = [_noncontig(jtorch, a) if sample.noncontig else a for a in j_leaves]
            try:
                t_out = op.call(torch, *t_args, **sample.kwargs)
            except Exception as e:  # torch rejects the sample: jtorch must raise the same type
                try:
                    op.call(jtorch, *j_args, **sample.kwargs)
                except type(e):
                    continue
                except Exception as je:
                    raise AssertionError(
                        f"{what}: torch raised {type(e).__name__}: {e}; jtorch raised {type(je).__name__}: {je}"
                    ) from je
                raise AssertionError(f"{what}: torch raised {type(e).__name__}: {e}; jtorch did not raise") from None
            j_out = op.call(jtorch, *j_args, **sample.kwargs)
            assert_same(t_out, j_out, rtol, atol, what)
            if not want_grad:
                continue
            t_flat = [o for o in _flat_outputs(t_out) if isinstance(o, torch.Tensor) and o.requires_grad]
            j_flat = [o for o in _flat_outputs(j_out) if isinstance(o, jtorch.Tensor) and o.requires_grad]
            assert len(t_flat) == len(j_flat), f"{what}: {len(j_flat)} outputs require grad, torch has {len(t_flat)}"
            if not t_flat:
                continue
            cot_rng = np.random.default_rng(seed + 1)
            t_loss, j_loss = 0, 0
            for to, jo in zip(t_flat, j_flat):
                c = np.asarray(cot_rng.standard_normal(tuple(to.shape))).astype(_np(to).dtype)
                if to.is_complex():
                    c = np.asarray(c + 1j * cot_rng.standard_normal(tuple(to.shape)).astype(c.dtype))
                    t_loss = t_loss + (to * torch.from_numpy(c).to(to.dtype)).real.sum()
                    j_loss = j_loss + (jo * jtorch.from_numpy(c).to(jo.dtype)).real.sum()
                else:
                    t_loss = t_loss + (to * torch.from_numpy(c).to(to.dtype)).sum()
                    j_loss = j_loss + (jo * jtorch.from_numpy(c).to(jo.dtype)).sum()
            t_in = [a for a in t_leaves if isinstance(a, torch.Tensor) and a.requires_grad]
            j_in = [a for a in j_leaves if isinstance(a, jtorch.Tensor) and a.requires_grad]
            t_g = torch.autograd.grad(t_loss, t_in, allow_unused=True)
            j_g = jtorch.autograd.grad(j_loss, j_in, allow_unused=True)
            for k, (a, b) in enumerate(zip(t_g, j_g)):
                if a is None:
                    assert b is None or not np.any(_np(b)), f"{what}: grad[{k}] should be None/zero"
                    continue
                assert b is not None, f"{what}: grad[{k}] is None, torch has a gradient"
                assert_same(a, b, grtol, gatol, f"{what} grad[{k}]")


# --- sample helpers ----------------------------------------------------------------------------


def randn(rng, shape, dtype):
    a = rng.standard_normal(shape)
    if np.dtype(dtype).kind == "c":
        a = a + 1j * rng.standard_normal(shape)
    return np.asarray(a).astype(dtype)


def positive(rng, shape, dtype, low=0.1, high=3.0):
    return rng.uniform(low, high, shape).astype(dtype)


def unary_samples(gen=randn):
    """0-d, 1-d, 2-d, empty and non-contiguous inputs."""

    def samples(rng, dtype):
        return [
            Sample((gen(rng, (), dtype),)),
            Sample((gen(rng, (5,), dtype),)),
            Sample((gen(rng, (3, 4), dtype),)),
            Sample((gen(rng, (0, 3), dtype),)),
            Sample((gen(rng, (4, 3), dtype),), noncontig=True),
        ]

    return samples


def binary_samples(gen=randn, gen2=None):
    """Same shapes, broadcasting, 0-d against n-d, a Python scalar, empty, non-contiguous."""
    gen2 = gen2 or gen

    def samples(rng, dtype):
        return [
            Sample((gen(rng, (3, 4), dtype), gen2(rng, (3, 4), dtype))),
            Sample((gen(rng, (2, 3, 4), dtype), gen2(rng, (4,), dtype))),
            Sample((gen(rng, (3, 1), dtype), gen2(rng, (1, 4), dtype))),
            Sample((gen(rng, (), dtype), gen2(rng, (5,), dtype))),
            Sample((gen(rng, (5,), dtype), 2.5)),
            Sample((gen(rng, (0, 4), dtype), gen2(rng, (4,), dtype))),
            Sample((gen(rng, (3, 4), dtype), gen2(rng, (3, 4), dtype)), noncontig=True),
        ]

    return samples


def reduction_samples(gen=randn, dims=True):
    def samples(rng, dtype):
        out = [
            Sample((gen(rng, (3, 4), dtype),)),
            Sample((gen(rng, (), dtype),)),
            Sample((gen(rng, (2, 3, 4), dtype),), noncontig=True),
        ]
        if dims:
            out += [
                Sample((gen(rng, (3, 4), dtype),), {"dim": 1}),
                Sample((gen(rng, (3, 4), dtype),), {"dim": 0, "keepdim": True}),
                Sample((gen(rng, (2, 3, 4), dtype),), {"dim": -1}),
            ]
        return out

    return samples
