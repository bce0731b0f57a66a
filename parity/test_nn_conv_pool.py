"""Convolution and pooling layers against real torch: outputs, input and parameter gradients with weights
copied from torch (float32 and float64), repr strings, state_dict keys/shapes, torch's errors, and a
LeNet-style CNN end to end."""

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
            out.append((type(e), str(e)))
    return out


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
