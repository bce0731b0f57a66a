"""Parity of jtorch.optim.lr_scheduler and swa_utils with torch: lr (and cycled momentum) sequences over
120+ steps for every scheduler, alone, stacked, chained and in SequentialLR, ReduceLROnPlateau on a fixed
metric sequence, state_dict round trips mid-run, warnings and errors.

The schedulers compute in Python floats in both frameworks, so sequences are compared exactly (the optax
export is compared at 1e-12 relative: jnp evaluates ``cos``/``**`` in float64 with XLA's own libm).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import opinfo
import pytest
import torch

import jtorch

torch.set_num_threads(1)


def _opt(T, kind="SGD"):
    a, b = T.zeros(2, requires_grad=True), T.zeros(3, requires_grad=True)
    groups = [{"params": [a]}, {"params": [b], "lr": 0.05}]
    if kind == "SGD":
        return T.optim.SGD(groups, lr=0.1, momentum=0.9)
    return T.optim.Adam(groups, lr=0.1)


SCHEDULERS = {
    "LambdaLR": lambda T, o: [T.optim.lr_scheduler.LambdaLR(o, lambda e: 0.95**e)],
    "LambdaLR-list": lambda T, o: [T.optim.lr_scheduler.LambdaLR(o, [lambda e: 1 / (e + 1), lambda e: 0.9**e])],
    "MultiplicativeLR": lambda T, o: [T.optim.lr_scheduler.MultiplicativeLR(o, lambda e: 0.97)],
    "StepLR": lambda T, o: [T.optim.lr_scheduler.StepLR(o, step_size=7, gamma=0.5)],
    "MultiStepLR": lambda T, o: [T.optim.lr_scheduler.MultiStepLR(o, milestones=[10, 30, 30, 80], gamma=0.3)],
    "ConstantLR": lambda T, o: [T.optim.lr_scheduler.ConstantLR(o, factor=0.25, total_iters=13)],
    "LinearLR": lambda T, o: [T.optim.lr_scheduler.LinearLR(o, start_factor=0.1, end_factor=0.9, total_iters=40)],
    "ExponentialLR": lambda T, o: [T.optim.lr_scheduler.ExponentialLR(o, gamma=0.97)],
    "PolynomialLR": lambda T, o: [T.optim.lr_scheduler.PolynomialLR(o, total_iters=50, power=2.0)],
    "CosineAnnealingLR": lambda T, o: [T.optim.lr_scheduler.CosineAnnealingLR(o, T_max=30, eta_min=0.001)],
    "CosineAnnealingWarmRestarts": lambda T, o: [
        T.optim.lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=5, T_mult=2, eta_min=0.01)
    ],
    "CyclicLR-triangular": lambda T, o: [T.optim.lr_scheduler.CyclicLR(o, 0.01, 0.1, step_size_up=7)],
    "CyclicLR-triangular2": lambda T, o: [
        T.optim.lr_scheduler.CyclicLR(o, [0.01, 0.02], [0.1, 0.2], step_size_up=5, step_size_down=9, mode="triangular2")
    ],
    "CyclicLR-exp_range": lambda T, o: [
        T.optim.lr_scheduler.CyclicLR(o, 0.01, 0.1, step_size_up=6, mode="exp_range", gamma=0.98)
    ],
    "CyclicLR-scale_fn": lambda T, o: [
        T.optim.lr_scheduler.CyclicLR(
            o, 0.01, 0.1, step_size_up=4, scale_fn=lambda x: 1 / (1 + x), scale_mode="iterations", cycle_momentum=False
        )
    ],
    "OneCycleLR-cos": lambda T, o: [T.optim.lr_scheduler.OneCycleLR(o, max_lr=0.5, total_steps=130)],
    "OneCycleLR-linear-3phase": lambda T, o: [
        T.optim.lr_scheduler.OneCycleLR(
            o,
            max_lr=[0.5, 0.3],
            epochs=13,
            steps_per_epoch=10,
            pct_start=0.25,
            anneal_strategy="linear",
            three_phase=True,
            div_factor=10.0,
        )
    ],
    "stacked-Exponential-MultiStep": lambda T, o: [
        T.optim.lr_scheduler.ExponentialLR(o, gamma=0.9),
        T.optim.lr_scheduler.MultiStepLR(o, milestones=[30, 80], gamma=0.1),
    ],
    "ChainedScheduler": lambda T, o: [
        T.optim.lr_scheduler.ChainedScheduler(
            [
                T.optim.lr_scheduler.ConstantLR(o, factor=0.1, total_iters=2),
                T.optim.lr_scheduler.ExponentialLR(o, gamma=0.9),
            ]
        )
    ],
    "SequentialLR": lambda T, o: [
        T.optim.lr_scheduler.SequentialLR(
            o,
            [
                T.optim.lr_scheduler.LinearLR(o, start_factor=0.1, total_iters=10),
                T.optim.lr_scheduler.CosineAnnealingLR(o, T_max=40),
                T.optim.lr_scheduler.StepLR(o, step_size=10, gamma=0.5),
            ],
            milestones=[10, 60],
        )
    ],
    "SWALR-cos": lambda T, o: [T.optim.swa_utils.SWALR(o, swa_lr=0.02, anneal_epochs=15)],
    "SWALR-linear": lambda T, o: [
        T.optim.swa_utils.SWALR(o, swa_lr=[0.02, 0.01], anneal_epochs=0, anneal_strategy="linear")
    ],
}
ADAM_SCHEDULERS = ("CyclicLR-triangular", "OneCycleLR-cos", "OneCycleLR-linear-3phase")


def _record(opt):
    out = [g["lr"] for g in opt.param_groups]
    for g in opt.param_groups:
        if "momentum" in g:
            out.append(g["momentum"])
        if "betas" in g:
            out.append(g["betas"])
    return out


def _run(T, name, kind, steps, roundtrip_at=None):
    opt = _opt(T, kind)
    scheds = SCHEDULERS[name](T, opt)
    seq = [_record(opt)]
    for i in range(steps):
        opt.step()
        for s in scheds:
            s.step()
        seq.append(
            _record(opt) + [list(s.get_last_lr()) for s in scheds] + [getattr(s, "last_epoch", None) for s in scheds]
        )
        if roundtrip_at == i:
            # Save, rebuild everything from scratch, load (optimizer too) and continue.
            sds = [s.state_dict() for s in scheds]
            osd = opt.state_dict()
            opt = _opt(T, kind)
            scheds = SCHEDULERS[name](T, opt)
            opt.load_state_dict(osd)
            for s, sd in zip(scheds, sds):
                s.load_state_dict(sd)
    return seq, scheds


@opinfo.covers(
    "optim.lr_scheduler.LambdaLR",
    "optim.lr_scheduler.MultiplicativeLR",
    "optim.lr_scheduler.StepLR",
    "optim.lr_scheduler.MultiStepLR",
    "optim.lr_scheduler.ConstantLR",
    "optim.lr_scheduler.LinearLR",
    "optim.lr_scheduler.ExponentialLR",
    "optim.lr_scheduler.PolynomialLR",
    "optim.lr_scheduler.CosineAnnealingLR",
    "optim.lr_scheduler.ChainedScheduler",
    "optim.lr_scheduler.SequentialLR",
    "optim.lr_scheduler.CyclicLR",
    "optim.lr_scheduler.OneCycleLR",
    "optim.lr_scheduler.CosineAnnealingWarmRestarts",
    "optim.swa_utils.SWALR",
    "optim.lr_scheduler.LRScheduler.get_last_lr",
    "optim.lr_scheduler.LRScheduler.state_dict",
    "optim.lr_scheduler.LRScheduler.load_state_dict",
)
@pytest.mark.parametrize("name", list(SCHEDULERS))
def test_sequence(name):
    kinds = ("SGD", "Adam") if name in ADAM_SCHEDULERS else ("SGD",)
    for kind in kinds:
        steps = 129 if name.startswith("OneCycle") else 150
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t_seq, t_s = _run(torch, name, kind, steps)
            j_seq, j_s = _run(jtorch, name, kind, steps)
        assert t_seq == j_seq, name
        assert [s.base_lrs for s in t_s if hasattr(s, "base_lrs")] == [
            s.base_lrs for s in j_s if hasattr(s, "base_lrs")
        ]
        # state_dict round trip in the middle of the run (the usual resume order: build optimizer and
        # schedulers, then load both) continues as torch's does.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t_rt, _ = _run(torch, name, kind, steps, roundtrip_at=steps // 2)
            j_rt, _ = _run(jtorch, name, kind, steps, roundtrip_at=steps // 2)
        assert j_rt == t_rt, f"{name}: resumed run differs"


def test_initial_lr_and_last_epoch_resume():
    res = []
    for T in (torch, jtorch):
        opt = _opt(T)
        s = T.optim.lr_scheduler.StepLR(opt, 3)
        keys = [sorted(g) for g in opt.param_groups]
        with pytest.raises(KeyError):
            T.optim.lr_scheduler.StepLR(_opt(T), 3, last_epoch=5)
        s2 = T.optim.lr_scheduler.ExponentialLR(opt, 0.5, last_epoch=4)
        res.append((keys, s.last_epoch, s2.last_epoch, s2.base_lrs, [g["lr"] for g in opt.param_groups]))
    assert res[0] == res[1]


def test_epoch_argument_closed_form():
    out = []
    for T in (torch, jtorch):
        opt = _opt(T)
        s = T.optim.lr_scheduler.MultiStepLR(opt, [3, 6], gamma=0.5)
        seq = []
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            for e in [1, 4, 7, 2]:
                opt.step()
                s.step(e)
                seq.append(s.get_last_lr())
        out.append((seq, [str(x.message)[:40] for x in w]))
    assert out[0] == out[1]


@opinfo.covers("optim.lr_scheduler.ReduceLROnPlateau")
@pytest.mark.parametrize(
    "kw",
    [
        dict(),
        dict(mode="max", factor=0.5, patience=2, threshold=0.01, threshold_mode="abs", cooldown=3),
        dict(patience=1, cooldown=2, min_lr=[0.02, 0.001], eps=1e-3),
        dict(mode="min", threshold_mode="rel", threshold=0.1, patience=0, factor=0.7, min_lr=0.01),
    ],
)
def test_reduce_on_plateau(kw):
    rng = np.random.default_rng(3)
    metrics = list(np.cumsum(rng.standard_normal(150)) * 0.1 + 5)
    res = []
    for T in (torch, jtorch):
        opt = _opt(T)
        s = T.optim.lr_scheduler.ReduceLROnPlateau(opt, **kw)
        seq = []
        for i, m in enumerate(metrics):
            opt.step()
            s.step(m)
            seq.append((s.get_last_lr(), s.num_bad_epochs, s.cooldown_counter, s.best, s.last_epoch))
            if i == 70:
                sd = s.state_dict()
                s = T.optim.lr_scheduler.ReduceLROnPlateau(opt, **kw)
                s.load_state_dict(sd)
        res.append(seq)
    assert res[0] == res[1]
    with pytest.raises(ValueError, match="Factor should be < 1.0."):
        jtorch.optim.lr_scheduler.ReduceLROnPlateau(_opt(jtorch), factor=1.0)


def test_warnings():
    for T in (torch, jtorch):
        opt = _opt(T)
        s = T.optim.lr_scheduler.StepLR(opt, 3)
        with pytest.warns(UserWarning, match=r"Detected call of `lr_scheduler.step\(\)` before `optimizer.step\(\)`"):
            s.step()
        with pytest.warns(UserWarning, match="please use `get_last_lr\\(\\)`"):
            s.get_lr()
        opt2 = _opt(T)
        s2 = T.optim.lr_scheduler.StepLR(opt2, 3)
        opt2.step()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            s2.step()


def test_errors():
    for T in (torch, jtorch):
        opt = _opt(T)
        L = T.optim.lr_scheduler
        with pytest.raises(TypeError, match="int is not an Optimizer"):
            L.StepLR(3, 1)
        with pytest.raises(ValueError, match="Constant multiplicative factor expected to be between 0 and 1."):
            L.ConstantLR(opt, factor=2.0)
        with pytest.raises(ValueError, match="Expected 2 lr_lambdas, but got 3"):
            L.LambdaLR(opt, [lambda e: 1] * 3)
        with pytest.raises(ValueError, match="Expected positive integer T_0, but got 0"):
            L.CosineAnnealingWarmRestarts(opt, T_0=0)
        with pytest.raises(ValueError, match="You must define either total_steps OR"):
            L.OneCycleLR(opt, max_lr=0.1)
        with pytest.raises(ValueError, match="Tried to step 3 times"):
            s = L.OneCycleLR(opt, max_lr=0.1, total_steps=2)
            for _ in range(3):
                opt.step()
                s.step()


def test_fractional_epochs_warm_restarts():
    res = []
    for T in (torch, jtorch):
        opt = _opt(T)
        s = T.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=3, T_mult=2)
        seq = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for e in np.arange(0, 30, 0.3):
                opt.step()
                s.step(float(e))
                seq.append((s.get_last_lr(), s.T_cur, s.T_i, s.last_epoch))
        res.append(seq)
    assert res[0] == res[1]


@pytest.mark.parametrize(
    "name",
    [
        "LambdaLR",
        "StepLR",
        "MultiStepLR",
        "ConstantLR",
        "LinearLR",
        "ExponentialLR",
        "PolynomialLR",
        "CosineAnnealingLR",
    ],
)
def test_to_optax_matches_sequence(name):
    if name == "LambdaLR":
        import optax

        make = lambda T, o: [T.optim.lr_scheduler.LambdaLR(o, optax.cosine_decay_schedule(1.0, 60))]  # noqa: E731
        sched = make(jtorch, _opt(jtorch))[0]
        t_sched = torch.optim.lr_scheduler.LambdaLR(
            _opt(torch), lambda e: 0.5 * (1 + math.cos(math.pi * min(e, 60) / 60))
        )
    else:
        sched = SCHEDULERS[name](jtorch, _opt(jtorch))[0]
        t_sched = SCHEDULERS[name](torch, _opt(torch))[0]
    schedule = sched.to_optax(group=1)
    for step in range(120):
        expected = t_sched.get_last_lr()[1]
        np.testing.assert_allclose(float(schedule(step)), expected, rtol=1e-12, atol=1e-15, err_msg=f"{name} {step}")
        if name == "LambdaLR":
            np.testing.assert_allclose(sched.get_last_lr()[1], expected, rtol=1e-12, atol=1e-15)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t_sched.optimizer.step()
            t_sched.step()
            sched.optimizer.step()
            sched.step()
    with pytest.raises(NotImplementedError, match="no closed form"):
        jtorch.optim.lr_scheduler.ReduceLROnPlateau(_opt(jtorch)).to_optax()


@opinfo.covers("optim.swa_utils.AveragedModel", "optim.swa_utils.get_ema_multi_avg_fn")
@pytest.mark.skipif(not hasattr(jtorch.nn, "Linear"), reason="jtorch.nn.Linear not available")
@pytest.mark.parametrize("mode", ["swa", "ema", "ema_avg_fn"])
def test_averaged_model(mode):
    rng = np.random.default_rng(5)
    snapshots = [
        (rng.standard_normal((2, 3)).astype("float32"), rng.standard_normal(2).astype("float32")) for _ in range(5)
    ]
    res = []
    for T in (torch, jtorch):
        m = T.nn.Linear(3, 2)
        kw = {}
        if mode == "ema":
            kw["multi_avg_fn"] = T.optim.swa_utils.get_ema_multi_avg_fn(0.9)
        elif mode == "ema_avg_fn":
            kw["avg_fn"] = T.optim.swa_utils.get_ema_avg_fn(0.8)
        avg = T.optim.swa_utils.AveragedModel(m, **kw)
        for w, b in snapshots:
            with T.no_grad():
                m.weight.copy_(T.tensor(w))
                m.bias.copy_(T.tensor(b))
            avg.update_parameters(m)
        res.append((avg.module.weight, avg.module.bias, int(avg.n_averaged)))
    opinfo.assert_same(res[0][0], res[1][0], 1.3e-6, 1e-6, "avg weight")
    opinfo.assert_same(res[0][1], res[1][1], 1.3e-6, 1e-6, "avg bias")
    assert res[0][2] == res[1][2]


@pytest.mark.skipif(not hasattr(jtorch.nn, "BatchNorm1d"), reason="jtorch.nn.BatchNorm1d not available yet")
def test_update_bn():
    rng = np.random.default_rng(6)
    data = [rng.standard_normal((4, 3)).astype("float32") for _ in range(3)]
    res = []
    for T in (torch, jtorch):
        m = T.nn.Sequential(T.nn.Linear(3, 3), T.nn.BatchNorm1d(3))
        with T.no_grad():
            m[0].weight.copy_(T.tensor(np.eye(3, dtype="float32")))
            m[0].bias.zero_()
        T.optim.swa_utils.update_bn([T.tensor(x) for x in data], m)
        res.append((m[1].running_mean, m[1].running_var))
    opinfo.assert_same(res[0][0], res[1][0], 1e-5, 1e-6, "running_mean")
    opinfo.assert_same(res[0][1], res[1][1], 1e-5, 1e-6, "running_var")
