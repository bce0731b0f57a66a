"""torch.utils.checkpoint, torch.jit and torch.profiler against real torch: values, gradients, warnings,
errors and the profiler schedule. Tolerances: the same float32 ops in the same order, rtol 1e-6 / atol 1e-6."""

import glob
import json
import os
import warnings

import numpy as np
import opinfo
import pytest
import torch
import torch.utils.checkpoint

import jtorch

RNG = np.random.default_rng(1)
PARAMS = [RNG.uniform(-0.5, 0.5, s).astype(np.float32) for s in [(6, 4), (6,), (6, 6), (6,), (2, 6), (2,)]]
X = RNG.normal(size=(3, 4)).astype(np.float32)


def _model(lib):
    m = lib.nn.Sequential(lib.nn.Linear(4, 6), lib.nn.Tanh(), lib.nn.Linear(6, 6), lib.nn.Tanh(), lib.nn.Linear(6, 2))
    with lib.no_grad():
        for p, v in zip(m.parameters(), PARAMS):
            p.copy_(lib.tensor(v))
    return m


def _run(lib, mode):
    """Forward + backward through one checkpoint mode; returns (output, input grad, param grads, warnings)."""
    m = _model(lib)
    x = lib.tensor(X, requires_grad=True)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        if mode == "plain":
            out = m(x)
        elif mode == "reentrant_default":
            out = lib.utils.checkpoint.checkpoint(m, x)
        elif mode == "non_reentrant":
            out = lib.utils.checkpoint.checkpoint(lambda a, scale: m(a) * scale, x, scale=2.0, use_reentrant=False)
        elif mode == "sequential":
            out = lib.utils.checkpoint.checkpoint_sequential(m, 2, x, use_reentrant=False)
        elif mode == "sequential_default":
            out = lib.utils.checkpoint.checkpoint_sequential(m, 3, x)
        elif mode == "reentrant_no_input_grad":
            out = lib.utils.checkpoint.checkpoint(m, x.detach(), use_reentrant=True)
    msgs = [str(a.message) for a in w]
    if out.requires_grad:
        out.pow(2).sum().backward()
    return out.detach(), x.grad, [p.grad for p in m.parameters()], msgs


@opinfo.covers("utils.checkpoint.checkpoint", "utils.checkpoint.checkpoint_sequential")
@pytest.mark.parametrize(
    "mode",
    ["plain", "reentrant_default", "non_reentrant", "sequential", "sequential_default", "reentrant_no_input_grad"],
)
def test_checkpoint_matches_torch(mode):
    t, j = _run(torch, mode), _run(jtorch, mode)
    opinfo.assert_same(t[0], j[0], rtol=1e-6, atol=1e-6, what="output")
    assert (t[1] is None) == (j[1] is None)
    if t[1] is not None:
        opinfo.assert_same(t[1], j[1], rtol=1e-6, atol=1e-6, what="input grad")
    for k, (a, b) in enumerate(zip(t[2], j[2])):
        assert (a is None) == (b is None), f"param {k}"
        if a is not None:
            opinfo.assert_same(a, b, rtol=1e-6, atol=1e-6, what=f"param grad {k}")
    assert t[3] == j[3]


def test_checkpoint_argument_errors_match_torch():
    def kwargs_reentrant(lib):
        lib.utils.checkpoint.checkpoint(lambda a, b: a, lib.ones(1), b=1, use_reentrant=True)

    def debug_reentrant(lib):
        lib.utils.checkpoint.checkpoint(lambda a: a, lib.ones(1), use_reentrant=True, debug=True)

    def seq_kwargs(lib):
        lib.utils.checkpoint.checkpoint_sequential([lambda a: a], 1, lib.ones(1), use_reentrant=False, foo=1)

    for case in (kwargs_reentrant, debug_reentrant, seq_kwargs):
        with pytest.raises(ValueError) as te:
            case(torch)
        with pytest.raises(ValueError) as je:
            case(jtorch)
        assert str(te.value) == str(je.value)


@opinfo.covers("jit.script", "jit.trace", "jit.is_scripting", "jit.is_tracing", "jit.ignore", "jit.unused")
def test_jit_script_and_trace_behave_like_the_python_code():
    def body(lib):
        @lib.jit.script
        def f(x):
            return x * 2 + 1

        class M(lib.nn.Module):
            def __init__(self):
                super().__init__()
                self.lin = lib.nn.Linear(4, 2)

            @lib.jit.ignore
            def helper(self, x):
                return x + 1

            @lib.jit.unused
            def unused(self, x):
                return x

            def forward(self, x):
                return self.helper(self.lin(x))

        m = M()
        with lib.no_grad():
            m.lin.weight.copy_(lib.tensor(PARAMS[0][:2]))
            m.lin.bias.copy_(lib.tensor(PARAMS[1][:2]))
        x = lib.tensor(X)
        sm = lib.jit.script(m)
        tm = lib.jit.trace(m, (x,))
        return f(x), sm(x), tm(x), lib.jit.is_scripting(), lib.jit.is_tracing()

    with warnings.catch_warnings(record=True) as tw:
        warnings.simplefilter("always")
        t = body(torch)
    with warnings.catch_warnings(record=True) as jw:
        warnings.simplefilter("always")
        j = body(jtorch)
    assert [(w.category, str(w.message)) for w in tw] == [(w.category, str(w.message)) for w in jw]
    for k in range(3):
        opinfo.assert_same(t[k].detach(), j[k].detach(), rtol=1e-6, atol=1e-6, what=str(k))
    assert t[3:] == j[3:] == (False, False)


def test_jit_save_load_raise_not_implemented(tmp_path):
    with pytest.raises(NotImplementedError, match="TorchScript files are not supported"):
        jtorch.jit.save(jtorch.jit.script(jtorch.nn.Linear(2, 2)), str(tmp_path / "m.pt"))
    with pytest.raises(NotImplementedError, match="TorchScript files are not supported"):
        jtorch.jit.load(str(tmp_path / "m.pt"))


@opinfo.covers("profiler.schedule")
def test_profiler_schedule_matches_torch():
    kw = dict(wait=1, warmup=1, active=2, repeat=2, skip_first=1)
    ts, js = torch.profiler.schedule(**kw), jtorch.profiler.schedule(**kw)
    assert [ts(i).name for i in range(14)] == [js(i).name for i in range(14)]
    for lib in (torch, jtorch):
        with pytest.raises(AssertionError, match="Invalid profiler schedule arguments"):
            lib.profiler.schedule(wait=0, warmup=0, active=0)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        torch.profiler.schedule(wait=0, warmup=0, active=1)
        jtorch.profiler.schedule(wait=0, warmup=0, active=1)
    assert [str(m.message) for m in w][0] == [str(m.message) for m in w][1]


@opinfo.covers("profiler.profile", "profiler.record_function", "profiler.tensorboard_trace_handler")
def test_profile_writes_a_trace_with_record_function_ranges(tmp_path):
    handler_dir = str(tmp_path / "tb")
    x = jtorch.ones(8, 8)
    sched = jtorch.profiler.schedule(wait=1, warmup=1, active=1, repeat=1)
    with jtorch.profiler.profile(
        activities=[jtorch.profiler.ProfilerActivity.CPU],
        schedule=sched,
        on_trace_ready=jtorch.profiler.tensorboard_trace_handler(handler_dir),
    ) as prof:
        for _ in range(4):
            with jtorch.profiler.record_function("my_block"):
                (x @ x).sum().item()
            prof.step()
    assert glob.glob(os.path.join(handler_dir, "plugins", "profile", "*", "*.xplane.pb"))
    out = tmp_path / "trace.json"
    prof.export_chrome_trace(str(out))
    names = {e.get("name") for e in json.loads(out.read_text())["traceEvents"]}
    assert "my_block" in names
    with pytest.raises(NotImplementedError, match="Kineto"):
        prof.key_averages()


def test_autograd_profiler_record_function_is_the_profiler_one():
    import jtorch.autograd.profiler

    assert torch.autograd.profiler.record_function.__name__ == "record_function"
    assert jtorch.autograd.profiler.record_function is jtorch.profiler.record_function
    with jtorch.autograd.profiler.record_function("block"):
        assert float(jtorch.ones(2).sum()) == 2.0
