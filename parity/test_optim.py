"""Parity of jtorch.optim with torch.optim: trajectories, state, state_dict, hooks, errors.

Problem: linear regression ``mean((X @ w + b - y)**2)`` with ``w`` (3, 2) and ``b`` (2,) in two param
groups with different learning rates, 20 steps from the same initial values, each framework computing
its own gradients; the group-0 lr is halved at step 10. After every step the parameters and every
state entry (keys, dtypes, values) are compared.

Tolerances: float64 rtol 1e-9 (XLA and ATen may order/fuse the same float operations differently, so
values drift by a few ulps over 20 steps); float32 rtol 2e-5 / atol 2e-6 for the same reason at float32
resolution (1.2e-7 per op, compounded over 20 steps of a rule with ~10 ops).
"""

# ruff: noqa: B023  (closures and hooks are called inside the loop iteration that defines them)
from __future__ import annotations

import warnings

import numpy as np
import opinfo
import pytest
import torch

import jtorch

torch.set_num_threads(1)

TOL = {"float64": (1e-9, 1e-12), "float32": (2e-5, 2e-6)}

CONFIGS = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9)),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.3, weight_decay=0.05)),
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True, maximize=True)),
    ("Adam", dict(lr=0.05)),
    ("Adam", dict(lr=0.05, amsgrad=True, weight_decay=0.1)),
    ("Adam", dict(lr=0.05, betas=(0.8, 0.99), eps=1e-6, maximize=True, decoupled_weight_decay=True, weight_decay=0.1)),
    ("AdamW", dict(lr=0.05)),
    ("AdamW", dict(lr=0.05, amsgrad=True, weight_decay=0.3)),
    ("Adagrad", dict(lr=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.1, initial_accumulator_value=0.5, eps=1e-8, maximize=True)),
    ("Adadelta", dict(lr=1.0)),
    ("Adadelta", dict(lr=0.5, rho=0.8, eps=1e-5, weight_decay=0.1, maximize=True)),
    ("Adamax", dict(lr=0.05)),
    ("Adamax", dict(lr=0.05, betas=(0.8, 0.95), weight_decay=0.1, maximize=True)),
    ("NAdam", dict(lr=0.05)),
    ("NAdam", dict(lr=0.05, weight_decay=0.1, momentum_decay=0.01)),
    ("NAdam", dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True, maximize=True)),
    ("RAdam", dict(lr=0.05)),
    ("RAdam", dict(lr=0.05, betas=(0.5, 0.6), weight_decay=0.1)),
    ("RAdam", dict(lr=0.05, betas=(0.5, 0.6), weight_decay=0.1, decoupled_weight_decay=True, maximize=True)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, alpha=0.9, centered=True, weight_decay=0.1)),
    ("RMSprop", dict(lr=0.01, momentum=0.9, centered=True, maximize=True)),
    ("Rprop", dict(lr=0.01)),
    ("Rprop", dict(lr=0.01, etas=(0.3, 1.5), step_sizes=(1e-4, 0.2), maximize=True)),
    ("ASGD", dict(lr=0.05)),
    ("ASGD", dict(lr=0.05, lambd=0.01, alpha=0.5, t0=5, weight_decay=0.1, maximize=True)),
    ("Adafactor", dict(lr=0.05)),
    ("Adafactor", dict(lr=0.05, beta2_decay=-0.5, eps=(1e-20, 1e-3), d=1.5, weight_decay=0.1, maximize=True)),
]


def _data(dtype):
    rng = np.random.default_rng(0)
    return {
        "X": rng.standard_normal((8, 3)).astype(dtype),
        "y": rng.standard_normal((8, 2)).astype(dtype),
        "w": rng.standard_normal((3, 2)).astype(dtype),
        "b": rng.standard_normal((2,)).astype(dtype),
    }


def _setup(T, cls, kw, d):
    w = T.tensor(d["w"], requires_grad=True)
    b = T.tensor(d["b"], requires_grad=True)
    X, y = T.tensor(d["X"]), T.tensor(d["y"])
    opt = getattr(T.optim, cls)([{"params": [w]}, {"params": [b], "lr": kw["lr"] * 0.5}], **kw)
    return w, b, X, y, opt


def _loss(T, w, b, X, y):
    return ((X @ w + b - y) ** 2).mean()


def _compare_state(t_opt, j_opt, t_params, j_params, rtol, atol, what):
    for k, (tp, jp) in enumerate(zip(t_params, j_params)):
        opinfo.assert_same(tp, jp, rtol, atol, f"{what} param {k}")
        ts, js = t_opt.state.get(tp, {}), j_opt.state.get(jp, {})
        assert list(ts) == list(js), f"{what} param {k}: state keys {list(js)} != torch {list(ts)}"
        for key in ts:
            if isinstance(ts[key], torch.Tensor):
                opinfo.assert_same(ts[key], js[key], rtol, atol, f"{what} param {k} state[{key!r}]")
            else:
                assert ts[key] == js[key]


def _run_pair(cls, kw, dtype, steps=20):
    d = _data(dtype)
    t = _setup(torch, cls, kw, d)
    j = _setup(jtorch, cls, kw, d)
    rtol, atol = TOL[dtype]
    for i in range(steps):
        if i == 10:
            t[4].param_groups[0]["lr"] *= 0.5
            j[4].param_groups[0]["lr"] *= 0.5
        for T, (w, b, X, y, opt) in ((torch, t), (jtorch, j)):
            opt.zero_grad()
            _loss(T, w, b, X, y).backward()
            opt.step()
        _compare_state(t[4], j[4], t[:2], j[:2], rtol, atol, f"{cls}{kw} {dtype} step {i}")
    return t, j


@opinfo.covers(
    "optim.SGD",
    "optim.Adam",
    "optim.AdamW",
    "optim.Adagrad",
    "optim.Adadelta",
    "optim.Adamax",
    "optim.NAdam",
    "optim.RAdam",
    "optim.RMSprop",
    "optim.Rprop",
    "optim.ASGD",
    "optim.Adafactor",
    "optim.Optimizer.step",
    "optim.Optimizer.zero_grad",
)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("cls,kw", CONFIGS, ids=[f"{c}-{i}" for i, (c, _) in enumerate(CONFIGS)])
def test_trajectory(cls, kw, dtype):
    _run_pair(cls, kw, dtype)


def _sd_layout(sd):
    state = {
        k: {kk: (str(v.dtype), tuple(v.shape)) if hasattr(v, "dtype") else v for kk, v in s.items()}
        for k, s in sd["state"].items()
    }
    return state, sd["param_groups"]


@opinfo.covers("optim.Optimizer.state_dict", "optim.Optimizer.load_state_dict")
@pytest.mark.parametrize(
    "cls,kw", [CONFIGS[2], CONFIGS[5], CONFIGS[10], CONFIGS[17], CONFIGS[23], CONFIGS[25], CONFIGS[27]]
)
def test_state_dict_layout_and_resume(cls, kw):
    """Layout equal to torch's; a torch state_dict (through numpy) loads into jtorch and both continue alike,
    and a jtorch state_dict loads into torch the same way."""
    t, j = _run_pair(cls, kw, "float32", steps=5)
    t_sd, j_sd = t[4].state_dict(), j[4].state_dict()
    assert _sd_layout(t_sd) == _sd_layout(j_sd)

    def convert(sd, T):
        state = {
            k: {
                kk: (
                    T.tensor(np.asarray(v.detach().numpy() if hasattr(v, "detach") else v))
                    if hasattr(v, "dtype")
                    else v
                )
                for kk, v in s.items()
            }
            for k, s in sd["state"].items()
        }
        return {"state": state, "param_groups": [dict(g) for g in sd["param_groups"]]}

    d = _data("float32")
    # torch -> jtorch: a fresh jtorch optimizer at torch's current params loads torch's state.
    d2 = dict(d, w=t[0].detach().numpy().copy(), b=t[1].detach().numpy().copy())
    j2 = _setup(jtorch, cls, kw, d2)
    j2[4].load_state_dict(convert(t_sd, jtorch))
    # jtorch -> torch
    d3 = dict(d, w=j[0].detach().numpy().copy(), b=j[1].detach().numpy().copy())
    t3 = _setup(torch, cls, kw, d3)
    t3[4].load_state_dict(convert(j_sd, torch))
    rtol, atol = TOL["float32"]
    for _ in range(5):
        for T, (w, b, X, y, opt) in ((torch, t), (jtorch, j2), (torch, t3), (jtorch, j)):
            opt.zero_grad()
            _loss(T, w, b, X, y).backward()
            opt.step()
        _compare_state(t[4], j2[4], t[:2], j2[:2], rtol, atol, f"{cls} torch->jtorch resume")
        _compare_state(t3[4], j[4], t3[:2], j[:2], rtol, atol, f"{cls} jtorch->torch resume")


def test_load_state_dict_casts_to_param_dtype():
    w = jtorch.zeros(2, dtype=jtorch.float64, requires_grad=True)
    opt = jtorch.optim.Adam([w])
    sd = {
        "state": {0: {"step": jtorch.tensor(3.0), "exp_avg": jtorch.ones(2), "exp_avg_sq": jtorch.ones(2)}},
        "param_groups": opt.state_dict()["param_groups"],
    }
    opt.load_state_dict(sd)
    assert opt.state[w]["exp_avg"].dtype is jtorch.float64
    assert opt.state[w]["step"].dtype is jtorch.float32  # step keeps its dtype, as torch


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@opinfo.covers("optim.LBFGS")
def test_lbfgs(line_search_fn, dtype):
    d = _data(dtype)
    res = []
    for T in (torch, jtorch):
        w = T.tensor(d["w"], requires_grad=True)
        b = T.tensor(d["b"], requires_grad=True)
        X, y = T.tensor(d["X"]), T.tensor(d["y"])
        opt = T.optim.LBFGS([w, b], lr=0.5, max_iter=5, history_size=3, line_search_fn=line_search_fn)

        def closure():
            opt.zero_grad()
            loss = _loss(T, w, b, X, y) + (w**4).sum() * 0.1
            loss.backward()
            return loss

        # float32 near convergence: ulp differences flip line-search branches, so stop after 2 steps there.
        losses = [float(opt.step(closure).detach()) for _ in range(4 if dtype == "float64" else 2)]
        st = opt.state[w]
        res.append((w, b, losses, st["func_evals"], st["n_iter"]))
    (tw, tb, tl, tf, tn), (jw, jb, jl, jf, jn) = res
    rtol, atol = (1e-8, 1e-10) if dtype == "float64" else (1e-4, 1e-5)  # line search branches amplify ulps
    assert (tf, tn) == (jf, jn)
    np.testing.assert_allclose(jl, tl, rtol=rtol, atol=atol)
    opinfo.assert_same(tw, jw, rtol, atol, "LBFGS w")
    opinfo.assert_same(tb, jb, rtol, atol, "LBFGS b")


@opinfo.covers(
    "optim.Optimizer.register_step_pre_hook",
    "optim.Optimizer.register_step_post_hook",
    "optim.Optimizer.register_state_dict_pre_hook",
    "optim.Optimizer.register_state_dict_post_hook",
    "optim.Optimizer.register_load_state_dict_pre_hook",
    "optim.Optimizer.register_load_state_dict_post_hook",
    "optim.optimizer.register_optimizer_step_pre_hook",
    "optim.optimizer.register_optimizer_step_post_hook",
)
def test_hooks_order():
    import importlib

    logs = []
    for T in (torch, jtorch):
        optimizer_mod = importlib.import_module(T.__name__ + ".optim.optimizer")
        log = []
        w = T.ones(2, requires_grad=True)
        opt = T.optim.SGD([w], lr=0.1)
        hs = [
            opt.register_step_pre_hook(lambda o, a, k: log.append("pre1")),
            opt.register_step_pre_hook(lambda o, a, k: log.append("pre2")),
            opt.register_step_post_hook(lambda o, a, k: log.append("post1")),
            optimizer_mod.register_optimizer_step_pre_hook(lambda o, a, k: log.append("gpre")),
            optimizer_mod.register_optimizer_step_post_hook(lambda o, a, k: log.append("gpost")),
            opt.register_state_dict_pre_hook(lambda o: log.append("sd_pre")),
            opt.register_state_dict_pre_hook(lambda o: log.append("sd_pre0"), prepend=True),
            opt.register_state_dict_post_hook(lambda o, sd: log.append("sd_post")),
            opt.register_load_state_dict_pre_hook(lambda o, sd: log.append("ld_pre")),
            opt.register_load_state_dict_post_hook(lambda o: log.append("ld_post")),
        ]
        w.grad = T.ones(2)
        opt.step()
        sd = opt.state_dict()
        opt.load_state_dict(sd)
        for h in hs:
            h.remove()
        opt.step()
        logs.append(log)
    assert logs[0] == logs[1]


def test_errors():
    w = jtorch.ones(2, requires_grad=True)
    tw = torch.ones(2, requires_grad=True)
    for name, kw in [
        ("SGD", dict(lr=-1)),
        ("SGD", dict(momentum=-1)),
        ("Adam", dict(betas=(1.0, 0.9))),
        ("Adam", dict(eps=-1.0)),
        ("Adagrad", dict(lr_decay=-1)),
        ("Rprop", dict(etas=(1.5, 1.2))),
        ("SGD", dict(nesterov=True)),
        ("RMSprop", dict(alpha=-1)),
        ("NAdam", dict(momentum_decay=-1)),
    ]:
        with pytest.raises(ValueError) as te:
            getattr(torch.optim, name)([tw], **kw)
        with pytest.raises(ValueError, match=None) as je:
            getattr(jtorch.optim, name)([w], **kw)
        assert str(te.value) == str(je.value)
    for T, p in ((torch, tw), (jtorch, w)):
        with pytest.raises(
            TypeError,
            match="params argument given to the optimizer should be an iterable of "
            "Tensors or dicts, but got torch.FloatTensor",
        ):
            T.optim.SGD(p, lr=0.1)
        with pytest.raises(ValueError, match="optimizer got an empty parameter list"):
            T.optim.SGD([], lr=0.1)
        with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor"):
            T.optim.SGD([p * 2], lr=0.1)
        with pytest.raises(ValueError, match="some parameters appear in more than one parameter group"):
            T.optim.SGD([{"params": [p]}, {"params": [p]}], lr=0.1)
        with pytest.warns(UserWarning, match="duplicate parameters"):
            T.optim.SGD([p, p], lr=0.1)
        with pytest.raises(ValueError, match="LBFGS doesn't support per-parameter options"):
            T.optim.LBFGS([{"params": [p]}, {"params": [T.ones(1, requires_grad=True)]}])


@opinfo.covers("optim.Optimizer.add_param_group")
def test_param_groups_defaults_repr_and_skipped_params():
    res = []
    for T in (torch, jtorch):
        a, b = T.ones(2, requires_grad=True), T.ones(3, requires_grad=True)
        opt = T.optim.Adam([a], lr=0.1)
        opt.add_param_group({"params": b, "lr": 0.01})
        a.grad = T.ones(2)  # b has no grad: skipped, no state created
        opt.step()
        res.append(
            (
                repr(opt),
                [{k: v for k, v in g.items() if k != "params"} for g in opt.param_groups],
                len(opt.state),
                a.detach().numpy().tolist(),
                b.detach().numpy().tolist(),
            )
        )
    assert res[0] == res[1]


def test_closure_and_zero_grad():
    for T in (torch, jtorch):
        w = T.ones(2, requires_grad=True)
        opt = T.optim.SGD([w], lr=0.1)

        def closure():
            opt.zero_grad()
            loss = (w * w).sum()
            loss.backward()
            return loss

        with T.no_grad():
            loss = opt.step(closure)  # the closure runs with grad enabled even under no_grad
        assert float(loss) == 2.0
        opt.zero_grad(set_to_none=False)
        assert w.grad is not None and float(w.grad.abs().sum()) == 0.0
        opt.zero_grad()
        assert w.grad is None


def test_update_writes_in_place_through_views():
    w = jtorch.ones(4, requires_grad=True)
    view = w.detach()[1:3]
    opt = jtorch.optim.SGD([w], lr=0.5)
    w.grad = jtorch.ones(4)
    opt.step()
    assert view.tolist() == [0.5, 0.5]


def test_user_defined_optimizer():
    """A torch-style subclass updating p.data in place under no_grad works."""

    def make(T):
        class Sign(T.optim.Optimizer):
            def __init__(self, params, lr=0.1):
                super().__init__(params, dict(lr=lr))

            @T.no_grad()
            def step(self, closure=None):
                for group in self.param_groups:
                    for p in group["params"]:
                        if p.grad is not None:
                            st = self.state[p]
                            st["n"] = st.get("n", 0) + 1
                            p.data.add_(p.grad.sign(), alpha=-group["lr"])

        return Sign

    out = []
    for T in (torch, jtorch):
        w = T.tensor([1.0, -2.0, 3.0], requires_grad=True)
        opt = make(T)([w])
        for _ in range(3):
            opt.zero_grad()
            (w**3).sum().backward()
            opt.step()
        out.append((w.detach().numpy().tolist(), opt.state_dict()["state"]))
    assert out[0] == out[1]


@pytest.mark.skipif(not hasattr(jtorch.nn, "Linear"), reason="jtorch.nn.Linear not available")
def test_module_training():
    rng = np.random.default_rng(1)
    X, y = rng.standard_normal((16, 4)).astype("float32"), rng.standard_normal((16, 1)).astype("float32")
    res = []
    for T in (torch, jtorch):
        m = T.nn.Linear(4, 1)
        with T.no_grad():
            m.weight.copy_(T.tensor(np.full((1, 4), 0.1, "float32")))
            m.bias.copy_(T.tensor(np.zeros(1, "float32")))
        opt = T.optim.SGD(m.parameters(), lr=0.05, momentum=0.9)
        for _ in range(10):
            opt.zero_grad()
            ((m(T.tensor(X)) - T.tensor(y)) ** 2).mean().backward()
            opt.step()
        res.append((m.weight, m.bias))
    opinfo.assert_same(res[0][0], res[1][0], 2e-5, 2e-6, "Linear weight")
    opinfo.assert_same(res[0][1], res[1][1], 2e-5, 2e-6, "Linear bias")


def test_no_warning_on_step():
    w = jtorch.ones(2, requires_grad=True)
    opt = jtorch.optim.Adam([w])
    w.grad = jtorch.ones(2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt.step()


@opinfo.covers("optim.Muon")
@pytest.mark.parametrize(
    "kw", [dict(lr=0.02), dict(lr=0.02, nesterov=False, weight_decay=0.0, adjust_lr_fn="match_rms_adamw")]
)
def test_muon(kw):
    """Muon's Newton-Schulz runs in bfloat16 in torch and here; XLA and ATen round bf16 matmuls differently,
    so updates agree to bf16 resolution (~4e-3 relative): compared at atol 2e-3 after 5 steps of lr 0.02."""
    rng = np.random.default_rng(2)
    w0, X = rng.standard_normal((4, 3)).astype("float32"), rng.standard_normal((6, 3)).astype("float32")
    res = []
    for T in (torch, jtorch):
        w = T.tensor(w0, requires_grad=True)
        opt = T.optim.Muon([w], **kw)
        for _ in range(5):
            opt.zero_grad()
            ((T.tensor(X) @ w.T) ** 2).mean().backward()
            opt.step()
        res.append((w, opt.state[w]["momentum_buffer"]))
    opinfo.assert_same(res[0][0], res[1][0], 0, 2e-3, "Muon param")
    # The buffer accumulates gradients taken at those (bf16-rounded) parameters: same resolution, scaled by |grad|.
    opinfo.assert_same(res[0][1], res[1][1], 0, 1e-4, "Muon momentum_buffer")
    with pytest.raises(ValueError, match="Muon only supports 2D parameters"):
        jtorch.optim.Muon([jtorch.ones(3, requires_grad=True)])
