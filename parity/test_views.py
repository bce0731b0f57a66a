"""Storage sharing against torch: ``.data``, ``detach()`` and view ops (view/reshape, slices,
transpose, expand, split pieces, diagonal, unfold...) share storage with their base, so writes go
both ways; in-place on a leaf that requires grad (or a view of one) raises torch's error; autograd
through in-place writes on views of non-leaves gives torch's gradients.

Each scenario is one function run with ``T = torch`` and ``T = jtorch``; the results are compared
exactly (the values are small integers and halves, so any difference is a real bug)."""

import numpy as np
import pytest
import torch
from opinfo import assert_same, covers

import jtorch

torch.set_num_threads(1)


def run_both(fn, rtol=0.0):
    t_out = fn(torch)
    j_out = fn(jtorch)
    assert_same(t_out, j_out, rtol, 0, fn.__name__)
    return t_out, j_out


def base(T, *shape):
    n = int(np.prod(shape))
    return T.arange(float(n)).reshape(*shape)


# --- writes through views reach the base ---------------------------------------------------------


@covers("Tensor.data", "nn.Linear")
def test_data_write_through_parameter():
    def fn(T):
        T.manual_seed(0)
        lin = T.nn.Linear(3, 2)
        with T.no_grad():
            lin.weight.copy_(base(T, 2, 3))
        w = lin.weight.data
        w.mul_(0.5)
        lin.weight.data[0, 1] = 10.0
        lin.bias.data.fill_(1.0)
        return lin.weight.detach().clone(), lin.bias.detach().clone(), w

    run_both(fn)


def test_data_setter_replaces_values():
    def fn(T):
        p = T.nn.Parameter(T.zeros(2, 2))
        p.data = base(T, 2, 2)
        return p.detach().clone(), p.requires_grad

    run_both(fn)


@covers("Tensor.detach")
def test_detach_shares_storage():
    def fn(T):
        x = base(T, 2, 3).requires_grad_()
        d = x.detach()
        with T.no_grad():
            x.mul_(2)  # base write visible in the detached alias
        seen = d.clone()
        d.zero_()  # and the alias write is visible in the base
        return seen, x.detach().clone(), d.requires_grad, x.requires_grad

    run_both(fn)


@covers("Tensor.view", "Tensor.reshape")
def test_view_and_reshape_write_through():
    def fn(T):
        x = base(T, 2, 3)
        v = x.view(-1)
        v[0] = 5
        r = x.reshape(3, 2)
        r[2, 1] = -1
        x.add_(1)  # base write shows in both views
        return x, v.clone(), r.clone()

    run_both(fn)


@covers("Tensor.t", "Tensor.transpose", "Tensor.T")
def test_transpose_write_through():
    def fn(T):
        x = base(T, 2, 3)
        x.t().add_(1)
        x.transpose(0, 1)[2].mul_(10)
        x.T[0, 1] = 100
        return x

    run_both(fn)


def test_slices_and_select_write_through():
    def fn(T):
        x = base(T, 3, 4)
        x[1:, ::2].mul_(-1)
        x[0][1:3] = 7
        row = x.select(0, 2)
        row.fill_(3)
        x[:, -1].zero_()
        col = x.narrow(1, 1, 2)
        x[2, 1] = 42  # base write seen by the narrow view
        return x, col.clone(), row.clone()

    run_both(fn)


def test_views_of_views():
    def fn(T):
        x = base(T, 2, 3, 4)
        v = x.permute(2, 0, 1)[1:3].reshape(2, 6)
        v[:, ::3] = -5
        x.unsqueeze(0).squeeze(0).flatten(1)[1, 0] = 99
        w = x[1].unflatten(1, (2, 2)).movedim(0, -1)
        w.mul_(2)
        return x, v.clone(), w.clone()

    run_both(fn)


@covers("Tensor.split", "Tensor.chunk", "Tensor.unbind")
def test_split_pieces_are_views():
    def fn(T):
        x = base(T, 4, 3)
        a, b = x.split([1, 3])
        a.fill_(-1)
        c, d = x.chunk(2, dim=1)
        d.mul_(10)
        rows = x.unbind(0)
        rows[2].add_(1000)
        x[3, 0] = 7  # visible in the pieces
        return x, b.clone(), c.clone(), rows[3].clone()

    run_both(fn)


@covers("Tensor.expand")
def test_expand_sees_base_writes():
    def fn(T):
        x = base(T, 3, 1)
        e = x.expand(3, 4)
        x.add_(1)
        return e.clone()

    run_both(fn)


@covers("Tensor.diagonal", "diagonal")
def test_diagonal_is_view():
    def fn(T):
        x = base(T, 3, 4)
        x.diagonal().zero_()
        T.diagonal(x, 1).mul_(-1)
        d = x.diagonal(-1)
        x[2, 1] = 50
        return x, d.clone()

    run_both(fn)


@covers("Tensor.unfold")
def test_unfold_is_view():
    def fn(T):
        x = base(T, 6)
        u = x.unfold(0, 2, 2)  # non-overlapping windows: writable
        u[:, 1].mul_(-1)
        o = x.unfold(0, 3, 1)  # overlapping windows: read-only use
        x[3] = 77
        return x, u.clone(), o.clone()

    run_both(fn)


@covers("Tensor.zero_", "Tensor.fill_")
def test_grad_zero_in_place_and_no_grad_updates():
    def fn(T):
        p = T.nn.Parameter(base(T, 2, 2))
        (p * p).sum().backward()
        g = p.grad
        p.grad.zero_()
        with T.no_grad():
            p.sub_(base(T, 2, 2) * 0.5)
            p[0].fill_(2)
        return g, p.detach().clone()

    run_both(fn)


# --- in-place on leaves that require grad ---------------------------------------------------------


LEAF_WRITES = [
    ("add_", lambda x: x.add_(1)),
    ("mul_", lambda x: x.mul_(2)),
    ("zero_", lambda x: x.zero_()),
    ("view_add_", lambda x: x.view(-1).add_(1)),
    ("select_mul_", lambda x: x[0].mul_(2)),
    ("t_add_", lambda x: x.t().add_(1)),
    ("diagonal_mul_", lambda x: x.diagonal().mul_(0)),
    ("split_sub_", lambda x: x.split(1)[0].sub_(1)),
    ("split_sizes_add_", lambda x: x.split([1, 1])[1].add_(1)),
    ("chunk_mul_", lambda x: x.chunk(2, 1)[1].mul_(2)),
    ("unbind_add_", lambda x: x.unbind(1)[1].add_(2)),
    ("nonleaf_split_mul_", lambda x: (x * 2).split(1)[1].mul_(2)),
    ("nonleaf_unbind_setitem", lambda x: (x * 2).unbind()[0].__setitem__(0, 1.0)),
]
LEAF_WRITES += [
    ("diagonal_zero_", lambda x: x.diagonal().zero_()),
    ("split_fill_", lambda x: x.split(1)[0].fill_(0)),
]


@pytest.mark.parametrize("name,write", LEAF_WRITES)
def test_inplace_on_leaf_requiring_grad_raises(name, write):
    t = torch.ones(2, 2, requires_grad=True)
    j = jtorch.ones(2, 2, requires_grad=True)
    with pytest.raises(RuntimeError) as te:
        write(t)
    with pytest.raises(RuntimeError) as je:
        write(j)
    assert str(je.value) == str(te.value)


def test_inplace_on_leaf_allowed_under_no_grad_and_on_detached():
    def fn(T):
        x = T.ones(2, 2, requires_grad=True)
        with T.no_grad():
            x[0].mul_(3)
        x.detach()[1].add_(1)
        x.data.mul_(2)
        return x.detach().clone(), x.requires_grad, x.is_leaf

    run_both(fn)


# --- autograd through in-place writes on views of non-leaves -------------------------------------------


def _grads(scenario):
    def fn(T):
        a = T.nn.Parameter(base(T, 3, 4) * 0.5 - 2)
        c = T.nn.Parameter(T.arange(4.0) - 1.5)
        out = scenario(T, a, c)
        w = base(T, *out.shape) * 0.25 + 1
        (out * w).sum().backward()
        return out.detach().clone(), a.grad, c.grad

    return fn


SCENARIOS = {
    "select_mul_": lambda T, a, c: (lambda b: (b[0].mul_(3), b)[1])(a * 2),
    "slice_add_other": lambda T, a, c: (lambda b: (b[1:, 1:].add_(c[1:]), b)[1])(a * 1),
    "transpose_row_mul_leaf": lambda T, a, c: (lambda b: (b.t()[1].mul_(c[:3]), b)[1])(a + 0),
    "diagonal_copy_": lambda T, a, c: (lambda b: (b.diagonal().copy_(c[:3] * 2), b.exp())[1])(a + 1),
    "view_setitem": lambda T, a, c: (lambda b: (b.view(-1).__setitem__(slice(2, 6), c), b)[1])(a * a),
    "masked_setitem": lambda T, a, c: (lambda b: (b.__setitem__(b > 0, 0.0), b)[1])(a * 3),
    "index_setitem_then_use": lambda T, a, c: (lambda b: (b.__setitem__((slice(None), 1), c[:3]), b * b)[1])(a.sin()),
    "chained_views": lambda T, a, c: (lambda b: (b[1:].t()[::2].mul_(-1), b.sum(0))[1])(a * 2),
    "zero_slice": lambda T, a, c: (lambda b: (b[:, :2].zero_(), b)[1])(a * c),
    "view_then_base_inplace": lambda T, a, c: (lambda b: (b.mul_(c), b.view(-1)[3:9])[1])(a.clone()),
}


@covers("Tensor.__setitem__", "Tensor.copy_", "Tensor.mul_", "Tensor.add_")
@pytest.mark.parametrize("name", SCENARIOS)
def test_autograd_through_inplace_views(name):
    # 1e-6 relative: XLA's and ATen's sin/exp may differ in the last bit
    _, (j_out, j_ga, j_gc) = run_both(_grads(SCENARIOS[name]), rtol=1e-6)
    assert j_ga is not None


def test_grad_fn_after_inplace_on_view():
    def fn(T):
        a = T.ones(2, 3, requires_grad=True)
        b = a * 2
        b[0].mul_(3)
        # torch's name() is "torch::autograd::CopySlices"; jtorch's node is named "CopySlices"
        return b.grad_fn.name().split("::")[-1], b[0].grad_fn is not None, b.requires_grad

    run_both(fn)


def test_view_reads_updated_grad_history():
    """A view taken before an in-place write on its base sees the new values and gradient history."""

    def fn(T):
        a = T.nn.Parameter(base(T, 2, 3))
        b = a * 1
        v = b[1]
        b.mul_(2)
        (v * T.tensor([1.0, 2.0, 3.0])).sum().backward()
        return v.detach().clone(), a.grad

    run_both(fn)
