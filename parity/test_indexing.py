"""Indexing parity against torch: ``x[idx]`` and ``x[idx] = v`` with ints, slices, None, Ellipsis,
bool masks, index tensors and lists (adjacent and separated advanced indices), gradients through
both, and torch's IndexError for out-of-range indices. Values are compared exactly (indexing moves
data, it does no arithmetic)."""

import numpy as np
import pytest
import torch
from opinfo import assert_same, covers

import jtorch

torch.set_num_threads(1)

X = np.arange(2 * 3 * 4, dtype=np.float32).reshape(2, 3, 4) * 0.5 - 3


def pair(a=X, requires_grad=False):
    t = torch.from_numpy(a.copy())
    j = jtorch.from_numpy(a.copy())
    if requires_grad:
        t.requires_grad_(True)
        j.requires_grad_(True)
    return t, j


def conv(T, idx):
    """The same index expression in framework T (numpy arrays become T tensors)."""
    if isinstance(idx, tuple):
        return tuple(conv(T, i) for i in idx)
    if isinstance(idx, np.ndarray):
        return T.from_numpy(idx.copy())
    return idx


MASK = np.array([[True, False, True], [False, False, True]])
GET = [
    1,
    -1,
    (0, 2),
    (1, -1, -4),
    slice(None, None, 2),
    (slice(None), slice(1, None), slice(None, None, 3)),
    (slice(-2, None), slice(None, -1)),
    (slice(5, 10),),  # empty
    None,
    (None, 1, None),
    Ellipsis,
    (Ellipsis, 1),
    (0, Ellipsis, None),
    (slice(None), None, Ellipsis, -1),
    np.array([1, 0, 1]),
    np.array([[0], [1]]),
    (slice(None), np.array([2, 0])),
    (slice(None), np.array([2, 0]), np.array([1, 3])),  # adjacent advanced indices
    (np.array([1, 0]), slice(None), np.array([3, 0])),  # separated: advanced dims go first
    (np.array([[1], [0]]), slice(1, 3), np.array([0, 2, 3])),  # separated with broadcasting
    (0, slice(None), np.array([0, 2])),  # int counts as advanced when combined
    (np.array([1, 0]), 2),
    MASK,
    np.array([True, False]),
    (slice(None), np.array([True, False, True])),
    (MASK, np.array([0, 1, 3])),
    (Ellipsis, np.array([True, False, False, True])),
    np.array(True),
    np.array(1),
    (None, np.array([0, 1]), None),
]


@covers("Tensor.__getitem__")
@pytest.mark.parametrize("idx", GET, ids=[repr(i).replace("\n", "") for i in range(len(GET))])
def test_getitem(idx):
    t, j = pair(requires_grad=True)
    to, jo = t[conv(torch, idx)], j[conv(jtorch, idx)]
    assert_same(to, jo, 0, 0, f"x[{idx!r}]")
    g = np.random.default_rng(0).standard_normal(tuple(to.shape)).astype(np.float32)
    (to * torch.from_numpy(g)).sum().backward()
    (jo * jtorch.from_numpy(g)).sum().backward()
    assert_same(t.grad, j.grad, 0, 1e-6, f"grad x[{idx!r}]")


def test_getitem_lists():
    t, j = pair()
    for idx in ([1, 0], (slice(None), [2, 0, 1]), ([0, 1], [2, 0]), ([True, False],)):
        assert_same(t[idx], j[idx], 0, 0, f"x[{idx!r}]")
    # torch's legacy rule: a list holding sequences is read as a tuple, with a deprecation warning
    idx = [[0, 1], [1, 1]]
    with pytest.warns(UserWarning, match="Using a non-tuple sequence for multidimensional indexing is deprecated"):
        to = t[idx]
    with pytest.warns(UserWarning, match="Using a non-tuple sequence for multidimensional indexing is deprecated"):
        jo = j[idx]
    assert_same(to, jo, 0, 0, "x[[[0, 1], [1, 1]]]")


def test_getitem_int_tensor_dtypes():
    t, j = pair()
    for dt in ("int32", "int64"):
        idx = np.array([1, 0, 1], dtype=dt)
        assert_same(t[torch.from_numpy(idx)], j[jtorch.from_numpy(idx)], 0, 0, dt)
    idx = np.array([1, 0], dtype=np.uint8)  # uint8 is a (deprecated) mask
    with pytest.warns(UserWarning, match="indexing with dtype torch.uint8 is now deprecated"):
        to = t[torch.from_numpy(idx)]
    with pytest.warns(UserWarning, match="indexing with dtype torch.uint8 is now deprecated"):
        jo = j[jtorch.from_numpy(idx)]
    assert_same(to, jo, 0, 0, "uint8 mask")


@pytest.mark.parametrize(
    "idx",
    [
        2,
        -3,
        (0, 3),
        (0, 0, 4),
        (0, 0, -5),
        np.array([0, 2]),
        (slice(None), np.array([3])),
        (0, 0, 0, 0),
        np.array([[True, True]]),
    ],
)
def test_getitem_errors(idx):
    t, j = pair()
    with pytest.raises(IndexError) as te:
        t[conv(torch, idx)]
    with pytest.raises(IndexError):
        j[conv(jtorch, idx)]
    assert te.type is IndexError


def test_getitem_error_messages():
    t, j = pair()
    for idx in (2, (0, 3), (0, 0, 0, 0)):
        with pytest.raises(IndexError) as te:
            t[idx]
        with pytest.raises(IndexError) as je:
            j[idx]
        assert str(je.value) == str(te.value)
    with pytest.raises(IndexError, match="tensors used as indices must be long, int, byte or bool tensors"):
        j[jtorch.tensor([0.0])]


SET = [
    (1, 0.5),
    ((0, -1), 7),
    ((slice(None), slice(1, None, 2)), np.arange(8, dtype=np.float32).reshape(2, 1, 4)),  # broadcast value
    ((Ellipsis, 0), np.arange(3, dtype=np.float32)),  # broadcast a row
    (MASK, 9.0),
    (MASK, np.arange(3, dtype=np.float32).reshape(3, 1) + np.zeros((1, 4), np.float32)),
    ((slice(None), np.array([2, 0])), -1.0),
    ((np.array([1, 0]), slice(None), np.array([3, 0])), np.arange(6, dtype=np.float32).reshape(2, 3)),
    (X > 0, 0.0),
    ((None, 0, slice(0, 2)), np.ones((2, 4), np.float32)),
]


@covers("Tensor.__setitem__")
@pytest.mark.parametrize("idx,val", SET, ids=[str(i) for i in range(len(SET))])
def test_setitem(idx, val):
    t, j = pair()
    tv = torch.from_numpy(val) if isinstance(val, np.ndarray) else val
    jv = jtorch.from_numpy(val) if isinstance(val, np.ndarray) else val
    t[conv(torch, idx)] = tv
    j[conv(jtorch, idx)] = jv
    assert_same(t, j, 0, 0, f"x[{idx!r}] = v")


def test_setitem_int_tensor_casts_value():
    t = torch.zeros(4, dtype=torch.int64)
    j = jtorch.zeros(4, dtype=jtorch.int64)
    t[1] = 2.7
    j[1] = 2.7
    t[2:] = torch.tensor([1.9, -1.9])  # basic index: copy_ casts
    j[2:] = jtorch.tensor([1.9, -1.9])
    t[torch.tensor([True, False, False, True])] = torch.tensor(5.5)  # one mask, 0-d value: masked_fill casts
    j[jtorch.tensor([True, False, False, True])] = jtorch.tensor(5.5)
    assert_same(t, j, 0, 0)
    with pytest.raises(RuntimeError) as te:
        t[torch.tensor([2, 3])] = torch.tensor([1.9, -1.9])
    with pytest.raises(RuntimeError) as je:
        j[jtorch.tensor([2, 3])] = jtorch.tensor([1.9, -1.9])
    assert str(je.value) == str(te.value)


def test_setitem_errors():
    t, j = pair()
    for v in (np.float32(1), np.ones(4, np.float32), [1.0, 2.0, 3.0, 4.0], None):
        with pytest.raises(TypeError) as te:
            t[0, 0] = v
        with pytest.raises(TypeError) as je:
            j[0, 0] = v
        assert str(je.value) == str(te.value)
    for idx in (2, (0, 3), np.array([0, 5])):
        with pytest.raises(IndexError):
            t[conv(torch, idx)] = 1.0
        with pytest.raises(IndexError):
            j[conv(jtorch, idx)] = 1.0
    for idx, shape in ((0, (2,)), (np.array([0, 1]), (3,)), (0, (2, 3, 4))):
        with pytest.raises(RuntimeError) as te:
            t[conv(torch, idx)] = torch.ones(shape)
        with pytest.raises(RuntimeError) as je:
            j[conv(jtorch, idx)] = jtorch.ones(shape)
        assert str(je.value) == str(te.value)


def test_setitem_grad_non_leaf():
    """Writing into a non-leaf: the overwritten part gets no grad, the value gets the grad of its slots."""
    t, j = pair(requires_grad=True)
    tv, jv = pair(np.full((3,), 2.0, np.float32), requires_grad=True)
    results = []
    for T, x, v in ((torch, t, tv), (jtorch, j, jv)):
        y = x * 2
        y[0, :, 1] = v
        y[1][y[1] > 0] = 0.0
        y[:, np.newaxis][..., 2] = v[0] * 3
        (y * T.arange(24.0).reshape(2, 3, 4)).sum().backward()
        results.append((y, x.grad, v.grad))
    assert_same(results[0][0].detach(), results[1][0].detach(), 0, 0, "value")
    assert_same(results[0][1], results[1][1], 0, 0, "x.grad")
    assert_same(results[0][2], results[1][2], 0, 1e-5, "v.grad")


def test_setitem_strips_leading_unit_dims_of_value():
    """torch drops a value's leading size-1 dims (slicePrefix1sDims): the seq2seq tutorial's
    ``decoder_attentions[di] = attn_weights.data`` writes a (1, n) value into a row; grads flow through."""
    results = []
    for T in (torch, jtorch):
        x = T.zeros(3, 4)
        v = T.arange(4.0).reshape(1, 1, 4).requires_grad_(True)
        x[1] = v * 2  # basic index
        x[T.tensor([0, 2])] = T.ones(1, 2, 4)  # advanced index
        x[:, 1:3] = T.full((1, 3, 2), 5.0)
        (x * T.arange(12.0).reshape(3, 4)).sum().backward()
        with pytest.raises(RuntimeError) as e:
            x[1] = T.ones(1, 2, 1, 4)  # only the leading 1s go: (2, 1, 4) still fails, with that shape
        results.append((x.detach(), v.grad, str(e.value)))
    assert_same(results[0][0], results[1][0], 0, 0, "value")
    assert_same(results[0][1], results[1][1], 0, 0, "v.grad")
    assert results[0][2] == results[1][2]


def test_setitem_leaf_requires_grad_raises():
    t, j = pair(requires_grad=True)
    for idx in (0, (slice(None), 1), np.array([0]), X > 0):
        with pytest.raises(RuntimeError) as te:
            t[conv(torch, idx)] = 1.0
        with pytest.raises(RuntimeError) as je:
            j[conv(jtorch, idx)] = 1.0
        assert str(je.value) == str(te.value)
    with torch.no_grad():
        t[0] = 1.0
    with jtorch.no_grad():
        j[0] = 1.0
    assert_same(t.detach(), j.detach(), 0, 0)


@covers("Tensor.__iadd__")
def test_index_iadd():
    t, j = pair()
    t[1] += 5
    j[1] += 5
    t[:, 0] *= 2
    j[:, 0] *= 2
    t[torch.tensor([0, 1]), 1] -= torch.tensor([[1.0], [2.0]])
    j[jtorch.tensor([0, 1]), 1] -= jtorch.tensor([[1.0], [2.0]])
    t[t > 5] += 100
    j[j > 5] += 100
    assert_same(t, j, 0, 0)


def test_index_iadd_duplicates_advanced():
    """``x[idx] += v`` with repeated indices: torch reads, adds, then writes once (no accumulation)."""
    t, j = pair(np.zeros(4, np.float32))
    t[torch.tensor([0, 0, 2])] += 1
    j[jtorch.tensor([0, 0, 2])] += 1
    assert_same(t, j, 0, 0)


def test_index_put_accumulate():
    t, j = pair(np.zeros(4, np.float32))
    idx = np.array([0, 0, 2])
    t.index_put_((torch.from_numpy(idx),), torch.tensor([1.0, 2.0, 3.0]), accumulate=True)
    j.index_put_((jtorch.from_numpy(idx),), jtorch.tensor([1.0, 2.0, 3.0]), accumulate=True)
    assert_same(t, j, 0, 0)


def test_basic_index_is_view_advanced_is_copy():
    for T in (torch, jtorch):
        x = T.zeros(3, 4)
        x[1][2] = 5.0  # basic index: a view, writes go through
        x[:, 0][1] = 7.0
        x[[0]][0, 0] = 9.0  # advanced index: a copy, the write is lost
        x[x > 100][...] = 1.0
        assert x[1, 2].item() == 5.0 and x[1, 0].item() == 7.0 and x[0, 0].item() == 0.0


GRAD_FN_CASES = {
    "getitem_int": lambda T, x, i: x[0],
    "getitem_slice": lambda T, x, i: x[:, 1:],
    "getitem_none": lambda T, x, i: x[None],
    "getitem_adv": lambda T, x, i: x[i],
    "gather": lambda T, x, i: x.gather(0, i[:, None].expand(2, 4)),
    "scatter": lambda T, x, i: x.scatter(0, i[:1, None], x[:1, :1]),
    "scatter_value": lambda T, x, i: x.scatter(0, i[:1, None], 1.0),
    "scatter_add": lambda T, x, i: x.scatter_add(0, i[:, None], x[:2, :1]),
    "scatter_reduce": lambda T, x, i: x.scatter_reduce(0, i[:, None], x[:2, :1], "amax"),
    "index_select": lambda T, x, i: x.index_select(0, i),
    "index_add": lambda T, x, i: x.index_add(0, i, x[:2]),
    "index_copy": lambda T, x, i: x.index_copy(0, i[:1], x[:1]),
    "index_fill": lambda T, x, i: x.index_fill(0, i, 0.0),
    "masked_fill": lambda T, x, i: x.masked_fill(x > 0, 0.0),
    "masked_select": lambda T, x, i: x.masked_select(x > 0),
    "masked_scatter": lambda T, x, i: x.masked_scatter(x > 0, x * 2),
    "take": lambda T, x, i: x.take(i),
    "take_along_dim": lambda T, x, i: x.take_along_dim(i[:, None], 0),
    "sort": lambda T, x, i: x.sort()[0],
    "topk": lambda T, x, i: x.topk(2)[0],
    "kthvalue": lambda T, x, i: x.kthvalue(2)[0],
    "tril": lambda T, x, i: x.tril(),
    "triu": lambda T, x, i: x.triu(),
    "diagonal": lambda T, x, i: x.diagonal(),
    "diag_embed": lambda T, x, i: x.diag_embed(),
    "trace": lambda T, x, i: x.trace(),
    "rot90": lambda T, x, i: x.rot90(),
    "unfold": lambda T, x, i: x.unfold(1, 2, 1),
    "view": lambda T, x, i: x.view(-1),
    "permute": lambda T, x, i: x.permute(1, 0),
    "transpose": lambda T, x, i: x.transpose(0, 1),
    "t": lambda T, x, i: x.t(),
    "expand": lambda T, x, i: x[:1].expand(3, 4),
    "squeeze": lambda T, x, i: x[:1].squeeze(),
    "squeeze_dim": lambda T, x, i: x[:1].squeeze(0),
    "squeeze_dims": lambda T, x, i: x[:1].squeeze((0, 1)),
    "unsqueeze": lambda T, x, i: x.unsqueeze(0),
    "cat": lambda T, x, i: T.cat([x, x]),
    "stack": lambda T, x, i: T.stack([x, x]),
    "split": lambda T, x, i: x.split(1)[0],
    "split_sizes": lambda T, x, i: x.split([1, 2])[0],
    "flip": lambda T, x, i: x.flip(0),
    "roll": lambda T, x, i: x.roll(1, 0),
    "repeat": lambda T, x, i: x.repeat(2, 1),
    "narrow": lambda T, x, i: x.narrow(0, 1, 1),
    "select": lambda T, x, i: x.select(0, 1),
    "select_scatter": lambda T, x, i: T.select_scatter(x, x[0], 0, 1),
    "slice_scatter": lambda T, x, i: T.slice_scatter(x, x[:1], 0, 0, 1),
    "diagonal_scatter": lambda T, x, i: T.diagonal_scatter(x, x[0, :3]),
    "clone": lambda T, x, i: x.clone(),
}


@pytest.mark.parametrize("name", list(GRAD_FN_CASES))
def test_grad_fn_names(name):
    """Ops record torch's grad_fn names (what users see in ``repr`` and ``grad_fn.name()``)."""
    names = []
    for T in (torch, jtorch):
        x = T.arange(12.0).reshape(3, 4).requires_grad_()
        out = GRAD_FN_CASES[name](T, x, T.tensor([2, 0]))
        names.append(out.grad_fn.name())
    assert names[1] == names[0]
