"""jtorch.compile: a compiled step leaves exactly the state an eager step leaves, compiles once."""

import warnings

import numpy as np
import pytest

import jtorch as torch
import jtorch.nn.functional as F


def _linreg(seed=0):
    rng = np.random.default_rng(seed)
    w = torch.tensor(rng.standard_normal((13, 1)), dtype=torch.float32, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    data = torch.tensor(rng.standard_normal((64, 13)), dtype=torch.float32)
    target = torch.tensor(rng.standard_normal(64), dtype=torch.float32)
    return w, b, data, target


def test_manual_step_matches_eager_and_compiles_once():
    w, b, data, target = _linreg()

    def step():
        w.grad = None
        b.grad = None
        loss = ((data.mm(w) + b).squeeze(1) - target).pow(2).mean()
        loss.backward()
        with torch.no_grad():
            w.sub_(0.01 * w.grad)
            b.sub_(0.01 * b.grad)
        return loss

    w0, b0 = w.detach().clone(), b.detach().clone()
    eager = [step().item() for _ in range(4)]
    w_eager, g_eager = w.detach().clone(), w.grad.clone()
    with torch.no_grad():
        w.copy_(w0)
        b.copy_(b0)
    compiled = torch.compile(step)
    out = [compiled().item() for _ in range(4)]
    np.testing.assert_allclose(out, eager, rtol=1e-6)
    np.testing.assert_allclose(w.detach().numpy(), w_eager.numpy(), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(w.grad.numpy(), g_eager.numpy(), rtol=1e-6, atol=1e-7)
    assert compiled.compile_count == 1


@pytest.mark.parametrize(
    "make_opt", [lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9), lambda p: torch.optim.Adam(p, lr=0.01)]
)
def test_optimizer_step_with_scheduler_matches_eager(make_opt):
    results = []
    for use_compile in (False, True):
        w, b, data, target = _linreg()
        opt = make_opt([w, b])
        sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)

        def step(x, y):
            opt.zero_grad()  # noqa: B023 (run within the same iteration)
            loss = F.mse_loss((x.mm(w) + b).squeeze(1), y)  # noqa: B023
            loss.backward()
            opt.step()  # noqa: B023
            return loss

        fn = torch.compile(step) if use_compile else step
        losses = []
        with warnings.catch_warnings():
            warnings.filterwarnings("error", message="jtorch.compile")  # no eager fallback allowed
            for _epoch in range(3):
                for k in range(0, 64, 16):
                    losses.append(fn(data[k : k + 16], target[k : k + 16]).item())
                sched.step()  # changes lr: must not recompile
        state = [v.numpy().copy() for st in opt.state.values() for v in st.values() if isinstance(v, torch.Tensor)]
        results.append((losses, w.detach().numpy().copy(), state, fn))
    (l_e, w_e, s_e, _), (l_c, w_c, s_c, compiled) = results
    np.testing.assert_allclose(l_c, l_e, rtol=2e-5, atol=1e-6)
    np.testing.assert_allclose(w_c, w_e, rtol=2e-5, atol=1e-6)
    for a, c in zip(s_e, s_c):
        np.testing.assert_allclose(c, a, rtol=2e-5, atol=1e-6)
    assert compiled.compile_count == 1


def test_dropout_draws_fresh_masks_reproducibly():
    x = torch.ones(1000)

    def f(t):
        return F.dropout(t, p=0.5, training=True)

    compiled = torch.compile(f)
    torch.manual_seed(3)
    masks = [compiled(x).numpy() for _ in range(4)]
    assert not np.array_equal(masks[1], masks[2])
    assert set(np.unique(masks[2])) <= {0.0, 2.0}
    torch.manual_seed(3)
    again = [compiled(x).numpy() for _ in range(4)]
    for a, b in zip(masks, again):
        np.testing.assert_array_equal(a, b)
    assert compiled.compile_count == 1


def test_untraceable_code_falls_back_with_one_warning():
    w = torch.ones(3, requires_grad=True)
    seen = []

    def step():
        loss = (w * 2).sum()
        seen.append(loss.item())  # needs a concrete value
        return loss

    compiled = torch.compile(step)
    compiled()
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        out = compiled()
        compiled()
    msgs = [str(r.message) for r in rec if "jtorch.compile" in str(r.message)]
    assert len(msgs) == 1 and "runs eagerly" in msgs[0] and "test_compile.py" in msgs[0]
    assert out.item() == 6.0 and seen[-1] == 6.0

    strict = torch.compile(step, fullgraph=True)
    strict()
    with pytest.raises(RuntimeError, match="fullgraph=True"):
        strict()


def test_recompile_log_names_the_cause(monkeypatch, capsys):
    monkeypatch.setenv("JTORCH_LOGS", "recompiles")
    compiled = torch.compile(lambda x: (x * 2).sum())
    compiled(torch.ones(3))
    compiled(torch.ones(3))
    compiled(torch.ones(5))
    err = capsys.readouterr().err
    assert "recompiling" in err and "(3,)" in err and "(5,)" in err
    assert compiled.compile_count == 2


def test_compile_module_uses_original_parameters():
    lin = torch.nn.Linear(4, 2)
    cm = torch.compile(lin)
    x = torch.randn(3, 4)
    np.testing.assert_allclose(cm(x).detach().numpy(), lin(x).detach().numpy(), rtol=1e-6)
    np.testing.assert_allclose(cm(x).detach().numpy(), lin(x).detach().numpy(), rtol=1e-6)
    assert cm.weight is lin.weight
    with torch.no_grad():
        lin.weight.mul_(0)
    np.testing.assert_allclose(cm(x).detach().numpy(), np.broadcast_to(lin.bias.detach().numpy(), (3, 2)), rtol=1e-6)


def test_module_compile_in_place():
    lin = torch.nn.Linear(4, 2)
    x = torch.randn(3, 4)
    expected = lin(x).detach().numpy()
    lin.compile()
    for _ in range(3):
        np.testing.assert_allclose(lin(x).detach().numpy(), expected, rtol=1e-6)
    assert lin._compiled_call_impl.compile_count == 1


def test_shared_and_unchanged_state_survive_donation():
    """Only state the step replaces is donated; an array another tensor shares is copied first,
    and tensors the step only reads (the data) keep their buffers."""
    w, b, data, target = _linreg()

    def step():
        w.grad = None
        b.grad = None
        loss = ((data.mm(w) + b).squeeze(1) - target).pow(2).mean()
        loss.backward()
        with torch.no_grad():
            w.sub_(0.01 * w.grad)
        return loss, 3, "tag"

    compiled = torch.compile(step)
    compiled()  # the first call runs eagerly
    alias = torch.Tensor._wrap(w._arr)  # a second tensor over the very same buffer
    w_start = w.detach().numpy().copy()
    data_arr = data._arr
    for _ in range(3):
        loss, n, tag = compiled()
    assert (n, tag) == (3, "tag")  # non-tensor results come back as traced
    assert data._arr is data_arr and not data_arr.is_deleted()  # read-only state is neither donated nor replaced
    np.testing.assert_array_equal(alias.numpy(), w_start)  # the alias still reads the old values
    assert compiled._donation_copies == 1  # only the first compiled call found the buffer shared
    assert compiled.compile_count == 1


def test_compiled_module_backward_matches_eager():
    """A compiled module's output has a grad_fn: backward reaches the parameters and the input,
    through BatchNorm (whose running statistics update) and a detach inside the graph."""
    torch.manual_seed(0)
    eager = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.BatchNorm1d(8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
    twin = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.BatchNorm1d(8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
    twin.load_state_dict(eager.state_dict())
    compiled = torch.compile(twin)
    for _ in range(3):
        x = torch.randn(5, 4, requires_grad=True)
        grads = []
        for m, net in ((eager, eager), (compiled, twin)):
            m.zero_grad()
            x.grad = None
            out = m(x)
            (out * out.detach()).sum().backward()
            grads.append((net[0].weight.grad.numpy().copy(), x.grad.numpy().copy()))
        for a, c in zip(*grads):
            np.testing.assert_allclose(c, a, rtol=1e-5, atol=1e-6)
    assert out.grad_fn.name() == "CompiledFunctionBackward"
    np.testing.assert_allclose(twin[1].running_mean.numpy(), eager[1].running_mean.numpy(), rtol=1e-5, atol=1e-7)
    assert compiled._compiled_call.compile_count == 1
    with torch.no_grad():
        assert not compiled(x).requires_grad  # grad mode is part of the signature


def test_scheduler_step_inside_compiled_function_runs_eagerly_and_correctly():
    """A scheduler's epoch count is Python state: compiling it would freeze the lr, so the step falls back."""

    def run(compiled):
        lin = torch.nn.Linear(3, 1)
        with torch.no_grad():
            lin.weight.copy_(torch.tensor([[0.1, -0.2, 0.3]]))
            lin.bias.zero_()
        opt = torch.optim.SGD(lin.parameters(), lr=0.1, momentum=0.9)
        sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
        x = torch.tensor(np.arange(12, dtype=np.float32).reshape(4, 3) / 10)
        y = torch.ones(4, 1)

        def step():
            opt.zero_grad()
            loss = ((lin(x) - y) ** 2).mean()
            loss.backward()
            opt.step()
            sched.step()
            return loss

        f = torch.compile(step) if compiled else step
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for _ in range(6):
                f()
        return lin.weight.detach().numpy(), opt.param_groups[0]["lr"], [str(w.message) for w in caught]

    w_eager, lr_eager, _ = run(False)
    w_comp, lr_comp, messages = run(True)
    assert lr_comp == lr_eager == 0.0125
    np.testing.assert_allclose(w_comp, w_eager, rtol=1e-6)
    assert sum("runs eagerly" in m for m in messages) == 1
    assert any("call the scheduler outside" in m for m in messages)


def test_model_and_optimizer_passed_as_arguments():
    """State reached through the arguments (a model with BatchNorm, its optimizer) is lifted like closures."""

    def train(compiled):
        torch.manual_seed(0)
        model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.BatchNorm2d(4), torch.nn.Flatten())
        opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        x = torch.tensor(np.random.default_rng(0).standard_normal((2, 3, 6, 6)).astype(np.float32))

        def step(model, opt, x):
            opt.zero_grad()
            loss = model(x).square().mean()
            loss.backward()
            opt.step()
            return loss

        f = torch.compile(step) if compiled else step
        losses = [float(f(model, opt, x)) for _ in range(4)]
        return losses, model.state_dict(), (f.compile_count if compiled else 1)

    eager, sd_eager, _ = train(False)
    comp, sd_comp, count = train(True)
    np.testing.assert_allclose(comp, eager, rtol=1e-5)
    for k, v in sd_eager.items():
        np.testing.assert_allclose(sd_comp[k].numpy(), v.numpy(), rtol=1e-5, atol=1e-6, err_msg=k)
    assert int(sd_comp["1.num_batches_tracked"]) == 4
    assert count == 1


def test_deeply_nested_model_state_is_found():
    """Parameters and buffers many module levels down (a ResNet's blocks) are lifted, not baked in."""

    def train(compiled):
        torch.manual_seed(0)
        inner = torch.nn.Sequential(torch.nn.Linear(3, 3), torch.nn.BatchNorm1d(3))
        model = inner
        for _ in range(8):
            model = torch.nn.Sequential(model)
        opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        x = torch.tensor(np.random.default_rng(1).standard_normal((4, 3)).astype(np.float32))

        def step():
            opt.zero_grad()
            loss = model(x).square().mean()
            loss.backward()
            opt.step()
            return loss

        f = torch.compile(step) if compiled else step
        for _ in range(4):
            f()
        return {k: v.numpy() for k, v in model.state_dict().items()}

    eager, comp = train(False), train(True)
    for k, v in eager.items():
        np.testing.assert_allclose(comp[k], v, rtol=1e-5, atol=1e-6, err_msg=k)
