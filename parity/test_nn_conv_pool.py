"""Convolution and pooling layers against real torch: outputs, input and parameter gradients with weights
copied from torch (float32 and float64), repr strings, state_dict keys/shapes, torch's errors, and a
LeNet-style CNN end to end."""

import re

import numpy as np
import pytest
import torch
from opinfo import assert_same, covers

import jtorch

torch.set_num_threads(1)

# Convolutions in float32: XLA and oneDNN sum the k*k*C products in different orders, so results agree to
# about 1e-5 relative (a few ulps times the reduction length), not bitwise.
F32 = (2e-5, 2e-5)
F64 = (1e-10, 1e-10)


def copy_weights(tm, jm):
    """Load torch's state into the jtorch module through numpy; state_dict keys/shapes must agree."""
    tsd, jsd = tm.state_dict(), jm.state_dict()
    assert list(tsd.keys()) == list(jsd.keys())
    assert [tuple(v.shape) for v in tsd.values()] == [tuple(v.shape) for v in jsd.values()]
    jm.load_state_dict({k: jtorch.from_numpy(v.detach().numpy().copy()) for k, v in tsd.items()})


def check_module(ctor, shapes, dtype, name, modes=("train",), tol=None, input_fn=None, grad=True):
    """Build the module in both frameworks, copy weights, compare repr, outputs and all gradients."""
    torch.manual_seed(0)
    tm, jm = ctor(torch), ctor(jtorch)
    tm, jm = tm.to(getattr(torch, dtype)), jm.to(getattr(jtorch, dtype))
    assert repr(jm) == repr(tm)
    copy_weights(tm, jm)
    tol = tol or (F32 if dtype == "float32" else F64)
    gtol = (tol[0] * 10, tol[1] * 10)
    rng = np.random.default_rng(0)
    for mode in modes:
        tm.train(mode == "train")
        jm.train(mode == "train")
        xs = [input_fn(rng, s) if input_fn else rng.standard_normal(s).astype(dtype) for s in shapes]
        tx = [torch.from_numpy(x).requires_grad_(grad and x.dtype.kind == "f") for x in xs]
        jx = [jtorch.from_numpy(x).requires_grad_(grad and x.dtype.kind == "f") for x in xs]
        t_out, j_out = tm(*tx), jm(*jx)
        if isinstance(t_out, tuple):
            for a, b in zip(t_out, j_out):
                assert_same(a, b, *tol, f"{name} {mode}")
            t_out, j_out = t_out[0], j_out[0]
        else:
            assert_same(t_out, j_out, *tol, f"{name} {mode}")
        if not grad:
            continue
        for p in tm.parameters():
            p.grad = None
        for p in jm.parameters():
            p.grad = None
        cot = rng.standard_normal(tuple(t_out.shape)).astype(dtype)
        (t_out * torch.from_numpy(cot)).sum().backward()
        (j_out * jtorch.from_numpy(cot)).sum().backward()
        for k, (a, b) in enumerate(zip(tx, jx)):
            if a.requires_grad:
                assert_same(a.grad, b.grad, *gtol, f"{name} {mode} input grad {k}")
        t_params, j_params = dict(tm.named_parameters()), dict(jm.named_parameters())
        assert list(t_params) == list(j_params)
        for pname in t_params:
            assert_same(t_params[pname].grad, j_params[pname].grad, *gtol, f"{name} {mode} grad of {pname}")
    return tm, jm


CONV_SPECS = [
    ("Conv1d", lambda T: T.nn.Conv1d(3, 4, 3), [(2, 3, 9)]),
    ("Conv1d_opts", lambda T: T.nn.Conv1d(4, 6, 3, stride=2, padding=2, dilation=2, groups=2), [(2, 4, 9)]),
    ("Conv1d_same_reflect", lambda T: T.nn.Conv1d(3, 4, 4, padding="same", padding_mode="reflect"), [(2, 3, 9)]),
    ("Conv1d_unbatched", lambda T: T.nn.Conv1d(3, 4, 3, bias=False), [(3, 9)]),
    ("Conv2d", lambda T: T.nn.Conv2d(3, 4, 3), [(2, 3, 7, 6)]),
    ("Conv2d_stride_pad", lambda T: T.nn.Conv2d(3, 4, (3, 2), stride=(2, 1), padding=(1, 2)), [(2, 3, 7, 6)]),
    ("Conv2d_groups_dil", lambda T: T.nn.Conv2d(4, 8, 3, dilation=2, groups=4, bias=False), [(2, 4, 7, 6)]),
    ("Conv2d_same", lambda T: T.nn.Conv2d(3, 4, (4, 3), padding="same", dilation=(1, 2)), [(2, 3, 7, 6)]),
    ("Conv2d_valid", lambda T: T.nn.Conv2d(3, 4, 3, padding="valid"), [(2, 3, 7, 6)]),
    ("Conv2d_reflect", lambda T: T.nn.Conv2d(3, 4, 3, padding=1, padding_mode="reflect"), [(2, 3, 7, 6)]),
    ("Conv2d_replicate", lambda T: T.nn.Conv2d(3, 4, 3, padding=(2, 1), padding_mode="replicate"), [(2, 3, 7, 6)]),
    ("Conv2d_circular", lambda T: T.nn.Conv2d(3, 4, 3, stride=2, padding=1, padding_mode="circular"), [(2, 3, 7, 6)]),
    ("Conv2d_unbatched", lambda T: T.nn.Conv2d(3, 4, 3), [(3, 7, 6)]),
    ("Conv3d", lambda T: T.nn.Conv3d(2, 4, 3, stride=(1, 2, 1), padding=1, groups=2), [(2, 2, 4, 5, 4)]),
    ("ConvTranspose1d", lambda T: T.nn.ConvTranspose1d(3, 4, 3, stride=2, padding=1, output_padding=1), [(2, 3, 5)]),
    ("ConvTranspose2d", lambda T: T.nn.ConvTranspose2d(3, 4, 3), [(2, 3, 5, 4)]),
    (
        "ConvTranspose2d_opts",
        lambda T: T.nn.ConvTranspose2d(
            4, 6, (3, 2), stride=(2, 3), padding=(2, 1), output_padding=(1, 2), groups=2, dilation=(1, 2)
        ),
        [(2, 4, 5, 4)],
    ),  # fmt: skip
    ("ConvTranspose2d_unbatched", lambda T: T.nn.ConvTranspose2d(3, 2, 2, stride=2, bias=False), [(3, 5, 4)]),
    ("ConvTranspose3d", lambda T: T.nn.ConvTranspose3d(2, 4, 2, stride=2, groups=2), [(1, 2, 3, 2, 3)]),
]
covers("nn.Conv1d", "nn.Conv2d", "nn.Conv3d", "nn.ConvTranspose1d", "nn.ConvTranspose2d", "nn.ConvTranspose3d",
       "nn.functional.conv1d", "nn.functional.conv2d", "nn.functional.conv3d", "nn.functional.conv_transpose1d",
       "nn.functional.conv_transpose2d", "nn.functional.conv_transpose3d", "nn.LazyConv1d", "nn.LazyConv2d",
       "nn.LazyConv3d", "nn.LazyConvTranspose1d", "nn.LazyConvTranspose2d", "nn.LazyConvTranspose3d")  # fmt: skip


@pytest.mark.parametrize("spec", CONV_SPECS, ids=[s[0] for s in CONV_SPECS])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_conv_matches_torch(spec, dtype):
    name, ctor, shapes = spec
    check_module(ctor, shapes, dtype, name)


def test_conv_transpose_output_size():
    torch.manual_seed(0)
    tm, jm = torch.nn.ConvTranspose2d(3, 2, 3, stride=2), jtorch.nn.ConvTranspose2d(3, 2, 3, stride=2)
    copy_weights(tm, jm)
    x = np.random.default_rng(0).standard_normal((1, 3, 4, 4)).astype("float32")
    t, j = tm(torch.from_numpy(x), output_size=[10, 10]), jm(jtorch.from_numpy(x), output_size=[10, 10])
    assert_same(t, j, *F32, "output_size")
    for T, m in ((torch, tm), (jtorch, jm)):
        with pytest.raises(ValueError, match="requested an output size of"):
            m(T.from_numpy(x), output_size=[12, 12])


def _errors(T):
    out = []
    for f in [
        lambda: T.nn.Conv2d(3, 8, 3)(T.ones(1, 4, 8, 8)),
        lambda: T.nn.Conv2d(3, 8, 3)(T.ones(8, 8)),
        lambda: T.nn.Conv2d(3, 8, 3)(T.ones(1, 3, 2, 2)),
        lambda: T.nn.Conv1d(3, 8, 3, dilation=2)(T.ones(1, 3, 4)),
        lambda: T.nn.functional.conv2d(T.ones(1, 3, 8, 8), T.ones(8, 3, 3, 3), stride=2, padding="same"),
        lambda: T.nn.functional.conv2d(T.ones(1, 3, 8, 8), T.ones(8, 3, 3, 3), T.ones(4)),
        lambda: T.nn.functional.conv_transpose2d(T.ones(8, 8), T.ones(3, 8, 3, 3)),
        lambda: T.nn.functional.conv_transpose2d(T.ones(1, 4, 8, 8), T.ones(3, 8, 3, 3)),
        lambda: T.nn.Conv2d(3, 8, 3, groups=2),
        lambda: T.nn.Conv2d(4, 6, 3, groups=4),
        lambda: T.nn.Conv2d(4, 6, 3, groups=0),
        lambda: T.nn.Conv2d(4, 6, 3, padding="full"),
        lambda: T.nn.Conv2d(4, 6, 3, stride=2, padding="same"),
        lambda: T.nn.Conv2d(4, 6, 3, padding_mode="zero"),
        lambda: T.nn.ConvTranspose2d(4, 6, 3, padding_mode="reflect"),
    ]:
        try:
            f()
            out.append(None)
        except Exception as e:  # noqa: BLE001 - comparing whatever torch raises
            out.append((type(e), _sorted_sets(str(e))))
    return out


def _sorted_sets(message):
    # A set literal's print order depends on the hash seed of the process that compiled the .pyc,
    # so torch's "{'zeros', ...}" may list the same members in another order than jtorch's.
    return re.sub(r"\{([^{}]*)\}", lambda m: "{" + ", ".join(sorted(m.group(1).split(", "))) + "}", message)


def test_conv_errors():
    for t, j in zip(_errors(torch), _errors(jtorch)):
        assert t is not None and t == j


def test_conv_repr_and_state_dict():
    for ctor in [
        lambda T: T.nn.Conv2d(3, 8, 3, padding=(1, 2), padding_mode="circular", bias=False, dilation=2),
        lambda T: T.nn.Conv1d(2, 4, 5, padding="same"),
        lambda T: T.nn.ConvTranspose2d(4, 8, 3, stride=2, output_padding=1, groups=2),
        lambda T: T.nn.Conv3d(2, 2, (1, 2, 3), stride=(3, 2, 1), dtype=T.float64),
    ]:
        tm, jm = ctor(torch), ctor(jtorch)
        assert repr(jm) == repr(tm)
        assert {k: tuple(v.shape) for k, v in jm.state_dict().items()} == {
            k: tuple(v.shape) for k, v in tm.state_dict().items()
        }
        assert jm.weight.dtype == getattr(jtorch, str(tm.weight.dtype).removeprefix("torch."))
    with pytest.raises(NotImplementedError, match="LazyConv2d"):
        jtorch.nn.LazyConv2d(4, 3)


def test_conv_grad_fn_and_default_init():
    x = jtorch.ones(1, 3, 5, 5, requires_grad=True)
    assert jtorch.nn.functional.conv2d(x, jtorch.ones(2, 3, 3, 3)).grad_fn.name() == "ConvolutionBackward0"
    jtorch.manual_seed(0)
    m = jtorch.nn.Conv2d(16, 32, 3)  # fan_in 144: weight and bias ~ U(-1/12, 1/12)
    w = m.weight.detach().numpy().ravel()
    assert np.all(np.abs(w) <= 1 / 12) and w.max() > 0.99 / 12 and abs(w.mean()) < 5 * (1 / 12) / np.sqrt(3 * w.size)
    assert np.all(np.abs(m.bias.detach().numpy()) <= 1 / 12)


POOL_SPECS = [
    ("MaxPool1d", lambda T: T.nn.MaxPool1d(3, 2, 1, ceil_mode=True), [(2, 3, 8)]),
    ("MaxPool1d_idx", lambda T: T.nn.MaxPool1d(2, dilation=2, return_indices=True), [(2, 3, 8)]),
    ("MaxPool2d", lambda T: T.nn.MaxPool2d(3, 2, 1), [(2, 3, 7, 6)]),
    (
        "MaxPool2d_idx_ceil",
        lambda T: T.nn.MaxPool2d((3, 2), (2, 1), (1, 0), ceil_mode=True, return_indices=True),
        [(2, 3, 7, 6)],
    ),  # fmt: skip
    ("MaxPool2d_dil_unbatched", lambda T: T.nn.MaxPool2d(2, 1, dilation=(2, 1), return_indices=True), [(3, 7, 6)]),
    ("MaxPool3d", lambda T: T.nn.MaxPool3d(2, return_indices=True), [(1, 2, 4, 5, 4)]),
    ("AvgPool1d", lambda T: T.nn.AvgPool1d(3, 2, 1, count_include_pad=False), [(2, 3, 8)]),
    ("AvgPool2d", lambda T: T.nn.AvgPool2d(3, 2, 1, ceil_mode=True), [(2, 3, 7, 6)]),
    (
        "AvgPool2d_nopad_ceil",
        lambda T: T.nn.AvgPool2d(3, 2, 1, ceil_mode=True, count_include_pad=False),
        [(2, 3, 7, 6)],
    ),  # fmt: skip
    ("AvgPool2d_divisor", lambda T: T.nn.AvgPool2d((2, 3), divisor_override=5), [(3, 7, 6)]),
    ("AvgPool3d", lambda T: T.nn.AvgPool3d(2, (1, 2, 2), padding=1), [(1, 2, 4, 5, 4)]),
    ("AdaptiveAvgPool1d", lambda T: T.nn.AdaptiveAvgPool1d(3), [(2, 3, 8)]),
    ("AdaptiveAvgPool2d", lambda T: T.nn.AdaptiveAvgPool2d((4, None)), [(2, 3, 7, 6)]),
    ("AdaptiveAvgPool2d_1", lambda T: T.nn.AdaptiveAvgPool2d(1), [(2, 3, 7, 6)]),
    ("AdaptiveAvgPool3d", lambda T: T.nn.AdaptiveAvgPool3d((3, 2, 3)), [(1, 2, 4, 5, 4)]),
    ("AdaptiveMaxPool1d", lambda T: T.nn.AdaptiveMaxPool1d(3, return_indices=True), [(2, 3, 8)]),
    ("AdaptiveMaxPool2d", lambda T: T.nn.AdaptiveMaxPool2d((4, 5), return_indices=True), [(2, 3, 7, 6)]),
    ("AdaptiveMaxPool2d_unbatched", lambda T: T.nn.AdaptiveMaxPool2d(3), [(3, 7, 6)]),
    ("AdaptiveMaxPool3d", lambda T: T.nn.AdaptiveMaxPool3d(2), [(1, 2, 4, 5, 4)]),
    ("LPPool1d", lambda T: T.nn.LPPool1d(2, 3, 2), [(2, 3, 8)]),
    ("LPPool2d", lambda T: T.nn.LPPool2d(3, (2, 3), ceil_mode=True), [(2, 3, 7, 6)]),
]
covers(*(f"nn.{n}" for n in ["MaxPool1d", "MaxPool2d", "MaxPool3d", "AvgPool1d", "AvgPool2d", "AvgPool3d",
                              "AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveAvgPool3d", "AdaptiveMaxPool1d",
                              "AdaptiveMaxPool2d", "AdaptiveMaxPool3d", "LPPool1d", "LPPool2d", "LPPool3d",
                              "MaxUnpool1d", "MaxUnpool2d", "MaxUnpool3d", "FractionalMaxPool2d",
                              "FractionalMaxPool3d"]))  # fmt: skip
covers(*(f"nn.functional.{n}" for n in [
    "max_pool1d", "max_pool2d", "max_pool3d", "max_pool1d_with_indices", "max_pool2d_with_indices",
    "max_pool3d_with_indices", "avg_pool1d", "avg_pool2d", "avg_pool3d", "adaptive_avg_pool1d", "adaptive_avg_pool2d",
    "adaptive_avg_pool3d", "adaptive_max_pool1d", "adaptive_max_pool2d", "adaptive_max_pool3d",
    "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d_with_indices", "adaptive_max_pool3d_with_indices",
    "lp_pool1d", "lp_pool2d", "lp_pool3d", "max_unpool1d", "max_unpool2d", "max_unpool3d", "fractional_max_pool2d",
    "fractional_max_pool3d"]))  # fmt: skip


@pytest.mark.parametrize("spec", POOL_SPECS, ids=[s[0] for s in POOL_SPECS])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_pool_matches_torch(spec, dtype):
    """Values, indices (int64, exact) and input gradients. Pooling sums at most 8 terms: 1e-6 in float32."""
    name, ctor, shapes = spec
    tol = (1e-6, 1e-6) if dtype == "float32" else F64
    check_module(ctor, shapes, dtype, name, tol=tol)


def test_max_pool_ties_and_unpool():
    """Ties go to the first maximum (torch's index and gradient); MaxUnpool scatters back to those indices."""
    x = np.array(
        [[[[1.0, 1.0, 0.0, 2.0], [1.0, 0.5, 2.0, 2.0], [3.0, 3.0, 1.0, 1.0], [3.0, 3.0, 1.0, 1.0]]]], "float32"
    )
    res = {}
    for T in (torch, jtorch):
        xt = T.from_numpy(x.copy()).requires_grad_()
        v, i = T.nn.MaxPool2d(2, return_indices=True)(xt)
        v.sum().backward()
        un = T.nn.MaxUnpool2d(2)(v, i)
        un2 = T.nn.functional.max_unpool2d(v, i, 2, output_size=[5, 5])
        un1 = T.nn.MaxUnpool1d(2)(*T.nn.functional.max_pool1d(xt[0].detach(), 2, return_indices=True))
        res[T] = [v, i, xt.grad, un, un2, un1]
    for a, b in zip(res[torch], res[jtorch]):
        assert_same(a, b, 0, 0, "ties/unpool")
    torch.manual_seed(0)
    x = np.random.default_rng(1).standard_normal((1, 2, 4, 4, 4)).astype("float64")
    outs = []
    for T in (torch, jtorch):
        xt = T.from_numpy(x).requires_grad_()
        v, i = T.nn.functional.max_pool3d(xt, 2, return_indices=True)
        u = T.nn.MaxUnpool3d(2)(v, i)
        (u * T.arange(u.numel(), dtype=T.float64).reshape(u.shape)).sum().backward()
        outs.append((u, xt.grad))
    for a, b in zip(*outs):
        assert_same(a, b, 0, 0, "unpool3d")
    with pytest.raises(NotImplementedError):
        jtorch.nn.FractionalMaxPool2d(2, output_size=3)


def _pool_errors(T):
    F = T.nn.functional
    out = []
    for f in [
        lambda: F.max_pool2d(T.ones(1, 3, 2, 2), 3),
        lambda: F.max_pool2d(T.ones(1, 3, 8, 8), 3, padding=2),
        lambda: F.max_pool2d(T.ones(8), 2),
        lambda: F.avg_pool2d(T.ones(1, 3, 2, 2), 3),
        lambda: F.avg_pool2d(T.ones(1, 3, 8, 8), 3, padding=2),
        lambda: F.adaptive_avg_pool2d(T.ones(8), 2),
        lambda: F.adaptive_max_pool2d(T.ones(8), 2),
        lambda: F.max_pool1d(T.ones(1, 3, 2), 3),
        lambda: F.avg_pool1d(T.ones(1, 3, 2), 3),
        lambda: F.max_pool1d(T.ones(3), 2),
        lambda: F.max_pool2d(T.ones(1, 3, 8, 8), 2, stride=0),
        lambda: F.max_unpool2d(T.ones(1, 1, 2, 2), T.zeros(1, 1, 2, 2, dtype=T.int64), 2, output_size=[9, 9]),
    ]:
        try:
            f()
            out.append(None)
        except Exception as e:  # noqa: BLE001 - comparing whatever torch raises
            out.append((type(e), str(e)))
    return out


def test_pool_errors():
    for t, j in zip(_pool_errors(torch), _pool_errors(jtorch)):
        assert t is not None and t == j


def test_pool_repr():
    for ctor in [
        lambda T: T.nn.MaxPool2d(3, 2, 1, ceil_mode=True),
        lambda T: T.nn.MaxPool1d(2, dilation=2),
        lambda T: T.nn.AvgPool1d(3),
        lambda T: T.nn.AvgPool2d((2, 3), divisor_override=2),
        lambda T: T.nn.AvgPool3d(2, 1),
        lambda T: T.nn.AdaptiveAvgPool2d((4, None)),
        lambda T: T.nn.AdaptiveMaxPool1d(3, True),
        lambda T: T.nn.LPPool2d(2, 3),
        lambda T: T.nn.MaxUnpool2d(2, 1),
    ]:
        assert repr(ctor(jtorch)) == repr(ctor(torch))


def _lenet(T):
    nn = T.nn
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.AvgPool2d(2),
        nn.Flatten(), nn.Linear(16 * 5 * 5, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
    )  # fmt: skip


def test_lenet_matches_torch():
    """LeNet-5 on 28x28: state_dict keys/shapes, outputs and every gradient with torch's weights loaded.
    Float32 tolerance 1e-4: five layers of reordered sums (a 400-term dot product among them)."""
    check_module(_lenet, [(2, 1, 28, 28)], "float32", "LeNet", tol=(1e-4, 1e-4))
