"""torch.amp against real torch: autocast dtypes per op on CPU, values and gradients under autocast,
the context manager/decorator state and its warnings and errors, and GradScaler's growth/backoff/skip rule.

Tolerances: bfloat16 has an 8-bit mantissa (relative spacing 2**-8 ~ 0.4%), and XLA and oneDNN may round
bf16 products and accumulations differently, so values computed in bfloat16 are compared with rtol 2e-2 /
atol 2e-2; float32 results (losses, gradients of float32 leaves) that pass through bf16 ops get the same.
GradScaler arithmetic is exact (powers of two).
"""

import warnings

import numpy as np
import opinfo
import pytest
import torch

import jtorch

RNG = np.random.default_rng(0)
X = RNG.normal(size=(4, 6)).astype(np.float32)
W = RNG.normal(size=(5, 6)).astype(np.float32)
B = RNG.normal(size=(5,)).astype(np.float32)
IMG = RNG.normal(size=(2, 3, 5, 5)).astype(np.float32)
K = RNG.normal(size=(4, 3, 3, 3)).astype(np.float32)
TGT = np.array([0, 2, 1, 4])


def _ops(lib):
    F = lib.nn.functional
    x, w, b = lib.tensor(X), lib.tensor(W), lib.tensor(B)
    img, k, tgt = lib.tensor(IMG), lib.tensor(K), lib.tensor(TGT)
    xb = x.to(lib.bfloat16)
    return {
        "linear": lambda: F.linear(x, w, b),
        "linear_bf16_input_fp32_weight": lambda: F.linear(xb, w, b),
        "mm": lambda: lib.mm(x, w.t()),
        "Tensor.mm": lambda: x.mm(w.t()),
        "matmul_op": lambda: x @ w.t(),
        "bmm": lambda: lib.bmm(x[None], w.t()[None]),
        "addmm": lambda: lib.addmm(b, x, w.t()),
        "baddbmm": lambda: lib.baddbmm(b[None, None], x[None], w.t()[None]),
        "conv2d": lambda: F.conv2d(img, k),
        "conv_transpose2d": lambda: F.conv_transpose2d(img, k.transpose(0, 1)),
        "mm_float64_not_cast": lambda: lib.mm(x.double(), w.double().t()),
        "softmax_bf16_stays": lambda: lib.softmax(xb, -1),
        "log_softmax_fp32_stays": lambda: F.log_softmax(x, -1),
        "layer_norm_bf16_stays": lambda: F.layer_norm(xb, (6,)),
        "cross_entropy": lambda: F.cross_entropy(F.linear(x, w), tgt),
        "nll_loss": lambda: F.nll_loss(xb, tgt),
        "mse_loss": lambda: F.mse_loss(xb, xb * 2),
        "bce_with_logits": lambda: F.binary_cross_entropy_with_logits(xb, lib.sigmoid(xb)),
        "binary_cross_entropy": lambda: F.binary_cross_entropy(lib.sigmoid(xb), lib.sigmoid(xb * 2)),
        "cat_promotes": lambda: lib.cat([xb, x]),
        "stack_promotes": lambda: lib.stack([xb, x]),
        "add_promotes_normally": lambda: xb + x,
        "sum_bf16": lambda: xb.sum(),
        "relu_bf16": lambda: lib.relu(xb),
        "prelu": lambda: F.prelu(x, lib.tensor([0.25])),
        "einsum": lambda: lib.einsum("ij,kj->ik", x, w),
        "tensordot": lambda: lib.tensordot(x, w.t(), 1),
        "sdpa": lambda: F.scaled_dot_product_attention(x[None], x[None], x[None]),
        "multihead_attention": lambda: _mha(lib)(x[:, None], x[:, None], x[:, None])[0],
    }


def _mha(lib):
    """nn.MultiheadAttention with numpy weights: its in-projection is F.linear and its core bmm/softmax."""
    m = lib.nn.MultiheadAttention(6, 2)
    with lib.no_grad():
        for k, (_, p) in enumerate(sorted(m.named_parameters())):
            p.copy_(lib.tensor(np.random.default_rng(k).uniform(-0.3, 0.3, tuple(p.shape)).astype(np.float32)))
    return m


@opinfo.covers("autocast", "amp.autocast")
@pytest.mark.parametrize("name", list(_ops(jtorch)))
def test_autocast_cpu_dtype_and_value_match_torch(name):
    with torch.autocast("cpu"):
        t = _ops(torch)[name]()
    with jtorch.autocast("cpu"):
        j = _ops(jtorch)[name]()
    opinfo.assert_same(t, j, rtol=2e-2, atol=2e-2, what=name)


def test_gradients_flow_back_to_float32_leaves():
    def run(lib):
        w = lib.tensor(W, requires_grad=True)
        x = lib.tensor(X)
        with lib.autocast("cpu", dtype=lib.bfloat16):
            h = lib.relu(lib.nn.functional.linear(x, w))
            loss = lib.nn.functional.cross_entropy(h @ lib.tensor(W[:, :5]), lib.tensor(TGT))
        loss.backward()
        return h, loss, w.grad

    for t, j, what in zip(run(torch), run(jtorch), ("hidden", "loss", "grad")):
        opinfo.assert_same(t.detach(), j.detach(), rtol=2e-2, atol=2e-2, what=what)
    assert str(run(jtorch)[1].grad_fn.name()) == str(run(torch)[1].grad_fn.name())


def test_state_nesting_decorator_and_float16():
    for lib in (torch, jtorch):
        assert not lib.is_autocast_enabled("cpu")
        with lib.autocast("cpu", dtype=lib.float16):
            assert lib.is_autocast_enabled("cpu") and lib.get_autocast_dtype("cpu") == lib.float16
            assert lib.mm(lib.ones(2, 2), lib.ones(2, 2)).dtype == lib.float16
            with lib.autocast("cpu", enabled=False):
                assert not lib.is_autocast_enabled("cpu")
                assert lib.mm(lib.ones(2, 2), lib.ones(2, 2)).dtype == lib.float32
            assert lib.is_autocast_enabled("cpu")
        assert not lib.is_autocast_enabled("cpu") and lib.get_autocast_dtype("cpu") == lib.bfloat16

        @lib.amp.autocast("cpu")
        def f(a):
            return a @ a

        assert f(lib.ones(2, 2)).dtype == lib.bfloat16
        assert (lib.ones(2, 2) @ lib.ones(2, 2)).dtype == lib.float32


def _messages(fn, *args):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        fn(*args)
    return [(m.category, str(m.message)) for m in w]


def _error(fn, *args):
    try:
        fn(*args)
    except Exception as e:  # noqa: BLE001
        return type(e), str(e)
    return None


def test_warnings_and_errors_match_torch():
    cases = [
        lambda lib: lib.autocast("cpu", dtype=lib.float32),  # unsupported dtype: warns, disables
        lambda lib: lib.cpu.amp.autocast(),  # deprecated alias
        lambda lib: lib.amp.GradScaler("cpu", growth_factor=1.0),
        lambda lib: lib.amp.GradScaler("cpu", backoff_factor=1.5),
        lambda lib: lib.autocast("tpu"),
        lambda lib: lib.autocast(0),
        lambda lib: lib.autocast("cpu")(3),
    ]
    if not jtorch.cuda.is_available():
        cases += [lambda lib: lib.autocast("cuda"), lambda lib: lib.amp.GradScaler("cuda")]
    for case in cases:
        assert _error(case, torch) == _error(case, jtorch)
        if _error(case, torch) is None:
            assert _messages(case, torch) == _messages(case, jtorch)
    assert not jtorch.autocast("cpu", dtype=jtorch.float32)._enabled


def _scaler_run(lib, grads_per_step, **kw):
    """Drive a GradScaler with given gradients (inf/nan included); record the trajectory."""
    p = lib.nn.Parameter(lib.zeros(2))
    opt = lib.optim.SGD([p], lr=1.0)
    scaler = lib.amp.GradScaler("cpu", **kw)
    out = []
    for g in grads_per_step:
        opt.zero_grad()
        scaler.scale((p * lib.tensor(g)).sum()).backward()
        scaler.unscale_(opt)
        unscaled = p.grad.clone()
        scaler.step(opt)
        scaler.update()
        out.append((scaler.get_scale(), scaler._get_growth_tracker(), unscaled.tolist(), p.detach().clone().tolist()))
    return out, scaler.state_dict()


@opinfo.covers("amp.GradScaler")
def test_grad_scaler_growth_backoff_and_skip_match_torch():
    steps = [[1.0, 2.0], [0.5, 0.25], [float("inf"), 1.0], [1.0, 1.0], [float("nan"), 0.0], [2.0, 2.0], [1.0, 3.0]]
    kw = dict(init_scale=8.0, growth_factor=4.0, backoff_factor=0.25, growth_interval=2)
    t, j = _scaler_run(torch, steps, **kw), _scaler_run(jtorch, steps, **kw)
    assert len(t[0]) == len(j[0])
    for k, (a, b) in enumerate(zip(t[0], j[0])):
        np.testing.assert_equal(b, a, err_msg=f"step {k}")
    assert t[1] == j[1]


def test_grad_scaler_misuse_errors_and_state_dict_roundtrip():
    def twice(lib):
        p = lib.nn.Parameter(lib.ones(1))
        opt = lib.optim.SGD([p], lr=0.1)
        s = lib.amp.GradScaler("cpu")
        s.scale(p.sum()).backward()
        s.unscale_(opt)
        s.unscale_(opt)

    def step_twice(lib):
        p = lib.nn.Parameter(lib.ones(1))
        opt = lib.optim.SGD([p], lr=0.1)
        s = lib.amp.GradScaler("cpu")
        s.scale(p.sum()).backward()
        s.step(opt)
        s.step(opt)

    def no_scale(lib):
        lib.amp.GradScaler("cpu").update()

    def empty_state(lib):
        lib.amp.GradScaler("cpu").load_state_dict({})

    for case in (twice, step_twice, no_scale, empty_state):
        assert _error(case, torch) == _error(case, jtorch), case.__name__
    sd = {"scale": 512.0, "growth_factor": 3.0, "backoff_factor": 0.5, "growth_interval": 7, "_growth_tracker": 2}
    for lib in (torch, jtorch):
        s = lib.amp.GradScaler("cpu")
        s.load_state_dict(sd)
        assert s.state_dict() == sd and s.get_scale() == 512.0
        assert lib.amp.GradScaler("cpu", enabled=False).state_dict() == {}
