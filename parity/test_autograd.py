"""Autograd parity with real torch: accumulation, retain_graph, autograd.grad, higher order,
grad modes, hooks, graph structure and custom Functions."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
from opinfo import assert_same, covers

import jtorch

torch.set_num_threads(1)

RTOL, ATOL = 1e-10, 1e-12  # float64 throughout: the same maths in either framework


def pair(shape=(3, 4), seed=0, requires_grad=True):
    x = np.random.default_rng(seed).standard_normal(shape)
    return torch.tensor(x, requires_grad=requires_grad), jtorch.tensor(x, requires_grad=requires_grad)


def same(t, j, what=""):
    assert_same(t, j, RTOL, ATOL, what)


def raises_same(f_torch, f_jtorch):
    """Both raise the same exception type with the same message."""
    with pytest.raises(Exception) as te:
        f_torch()
    with pytest.raises(type(te.value)) as je:
        f_jtorch()
    assert str(je.value) == str(te.value)


# --- backward, accumulation, retain_graph ---------------------------------------------------------


@covers("Tensor.backward", "Tensor.grad")
def test_grad_accumulates_over_two_backwards():
    for T, x in zip((torch, jtorch), pair()):
        for _ in range(2):
            (x.tanh() * x).sum().backward()
        if T is torch:
            want = x.grad
        else:
            same(want, x.grad)


def test_backward_gradient_non_scalar():
    (tx, jx), (tg, jg) = pair(), pair(seed=1, requires_grad=False)
    (tx.exp() * 2).backward(gradient=tg)
    (jx.exp() * 2).backward(gradient=jg)
    same(tx.grad, jx.grad)


def test_backward_errors():
    (tx, jx) = pair()
    raises_same(lambda: (tx * 2).backward(), lambda: (jx * 2).backward())
    tn, jn = pair(requires_grad=False)
    raises_same(lambda: (tn * 2).sum().backward(), lambda: (jn * 2).sum().backward())
    raises_same(lambda: torch.autograd.grad((tn * 2).sum(), tx), lambda: jtorch.autograd.grad((jn * 2).sum(), jx))


def test_retain_graph_and_freed_graph_error():
    tx, jx = pair()
    ty, jy = (tx.sin() * tx).sum(), (jx.sin() * jx).sum()
    ty.backward(retain_graph=True)
    jy.backward(retain_graph=True)
    ty.backward()
    jy.backward()
    same(tx.grad, jx.grad)
    raises_same(ty.backward, jy.backward)


# --- torch.autograd.grad ---------------------------------------------------------------------------


@covers("autograd.grad")
def test_autograd_grad_basic_and_grad_outputs():
    (tx, jx), (ty, jy) = pair(), pair(seed=1)
    tg = torch.autograd.grad((tx * ty).sum(), [tx, ty])
    jg = jtorch.autograd.grad((jx * jy).sum(), [jx, jy])
    same(tg, jg)
    assert tx.grad is None and jx.grad is None
    (tv, jv) = pair(seed=2, requires_grad=False)
    same(torch.autograd.grad(tx.exp(), tx, grad_outputs=tv), jtorch.autograd.grad(jx.exp(), jx, grad_outputs=jv))


def test_autograd_grad_allow_unused():
    (tx, jx), (ty, jy) = pair(), pair(seed=1)
    raises_same(lambda: torch.autograd.grad(tx.sum(), [tx, ty]), lambda: jtorch.autograd.grad(jx.sum(), [jx, jy]))
    tg = torch.autograd.grad(tx.sum(), [tx, ty], allow_unused=True)
    jg = jtorch.autograd.grad(jx.sum(), [jx, jy], allow_unused=True)
    assert tg[1] is None and jg[1] is None
    same(tg[0], jg[0])
    tg = torch.autograd.grad(tx.sum(), [tx, ty], materialize_grads=True)
    jg = jtorch.autograd.grad(jx.sum(), [jx, jy], materialize_grads=True)
    same(tg, jg)


def _nth_grads(T, x, f, n):
    out, y = [], f(T, x)
    for _ in range(n):
        (y,) = T.autograd.grad(y.sum(), x, create_graph=True)
        out.append(y)
    return out


HIGHER = {
    "tanh": lambda T, x: T.tanh(x),
    "exp": lambda T, x: (x * 0.5).exp(),
    "pow": lambda T, x: x.pow(3) + x**2,
    "matmul": lambda T, x: (x @ x.t()).tanh() @ x,
    "softmax_like": lambda T, x: x.exp() / x.exp().sum(dim=1, keepdim=True),
    "logsumexp_like": lambda T, x: (x.exp().sum(dim=0) + 1).log() * x.sin(),
}


@covers("autograd.grad")
@pytest.mark.parametrize("name", sorted(HIGHER))
def test_higher_order(name):
    tx, jx = pair()
    tg = _nth_grads(torch, tx, HIGHER[name], 3)
    jg = _nth_grads(jtorch, jx, HIGHER[name], 3)
    for k, (a, b) in enumerate(zip(tg, jg)):
        assert b.requires_grad == a.requires_grad
        assert_same(a.detach(), b.detach(), 1e-9, 1e-11, f"{name} order {k + 1}")


def test_create_graph_backward_then_grad_of_grad():
    tx, jx = pair()
    for x in (tx, jx):
        (x.sin() * x).sum().backward(create_graph=True)
        assert x.grad.requires_grad
        g = x.grad
        x.grad = None
        g.sum().backward()
    same(tx.grad, jx.grad)


# --- grad modes ------------------------------------------------------------------------------------


@covers("no_grad", "enable_grad", "set_grad_enabled", "inference_mode", "is_grad_enabled", "is_inference_mode_enabled")
def test_grad_mode_context_managers():
    for T in (torch, jtorch):
        x = T.ones(2, requires_grad=True)
        with T.no_grad():
            assert not (x * 2).requires_grad and not T.is_grad_enabled()
            with T.enable_grad():
                assert (x * 2).requires_grad
            assert not T.is_grad_enabled()
        with T.set_grad_enabled(False):
            assert not (x * 2).requires_grad
        assert T.is_grad_enabled()
        T.set_grad_enabled(False)
        assert not T.is_grad_enabled()
        T.set_grad_enabled(True)
        with T.inference_mode():
            assert T.is_inference_mode_enabled() and not T.is_grad_enabled()
            assert not (x * 2).requires_grad
        with T.inference_mode(False):
            assert (x * 2).requires_grad
        assert not T.is_inference_mode_enabled()


@covers("Tensor.is_inference", "is_inference")
def test_inference_tensors():
    """Tensors created under inference_mode are inference tensors (views and detaches of normal ones are not);
    outside the mode they refuse requires_grad_(True) and in-place writes with torch's messages;
    inference_mode(False) inside enables grad."""
    seen = []
    for T in (torch, jtorch):
        a, b = T.ones(3, requires_grad=True), T.ones(3)
        with T.inference_mode():
            c = a * 2
            flags = [t.is_inference() for t in (c, b[1:], b.detach(), b.data, T.zeros(2), c[1:], c.detach())]
            b.add_(1)  # a normal tensor stays normal
            flags += [b.is_inference(), c.requires_grad]
            with T.inference_mode(False):
                flags += [T.ones(1).is_inference(), T.is_inference_mode_enabled(), T.is_grad_enabled()]
        with T.no_grad():
            flags += [T.ones(1).is_inference(), c.clone().is_inference(), c[0].is_inference()]
        errors = []
        for name, args in (("requires_grad_", (True,)), ("add_", (1,)), ("copy_", (b,)), ("__setitem__", (0, 1.0))):
            with pytest.raises(RuntimeError) as e:
                getattr(c, name)(*args)
            errors.append(str(e.value))
        c.requires_grad_(False)  # allowed
        seen.append((flags, errors))
    assert seen[0] == seen[1]


def test_grad_mode_decorators_and_generators():
    for T in (torch, jtorch):
        x = T.ones(2, requires_grad=True)

        @T.no_grad()
        def f1(a):
            return a * 2

        @T.no_grad
        def f2(a):
            return a * 2

        @T.enable_grad()
        def f3(a):
            return a * 2

        @T.set_grad_enabled(False)
        def f4(a):
            return a * 2

        @T.inference_mode()
        def f5(a):
            return a * 2

        @T.no_grad()
        def gen(a, T=T):
            for _ in range(2):
                yield (a * 2).requires_grad, T.is_grad_enabled()

        assert T.is_grad_enabled()
        assert [f(x).requires_grad for f in (f1, f2, f4, f5)] == [False] * 4
        with T.no_grad():
            assert f3(x).requires_grad
        assert list(gen(x)) == [(False, False), (False, False)]
        g = gen(x)
        next(g)
        assert T.is_grad_enabled()  # the generator's mode does not leak out between steps
        assert (x * 2).requires_grad


# --- detach, requires_grad_, retain_grad, leaves --------------------------------------------------


@covers(
    "Tensor.detach",
    "Tensor.detach_",
    "Tensor.requires_grad_",
    "Tensor.is_leaf",
    "Tensor.retain_grad",
    "Tensor.retains_grad",
)
def test_detach_requires_grad_leaf():
    tx, jx = pair()
    for T, x in ((torch, tx), (jtorch, jx)):
        y = x * 2
        d = y.detach()
        assert not d.requires_grad and d.is_leaf and d.grad_fn is None
        assert x.is_leaf and not y.is_leaf
        z = y.detach_() if T is torch else y.detach_()
        assert z is y and not y.requires_grad and y.is_leaf
        w = T.zeros(3)
        assert w.requires_grad_() is w and w.requires_grad and w.is_leaf
        w.requires_grad_(False)
        assert not w.requires_grad
    raises_same(lambda: (tx * 2).requires_grad_(False), lambda: (jx * 2).requires_grad_(False))
    raises_same(
        lambda: torch.zeros(2, dtype=torch.long).requires_grad_(),
        lambda: jtorch.zeros(2, dtype=jtorch.long).requires_grad_(),
    )
    raises_same(lambda: torch.zeros(2).retain_grad(), lambda: jtorch.zeros(2).retain_grad())

    def set_flag(t):
        t.requires_grad = True

    raises_same(
        lambda: set_flag(torch.zeros(2, dtype=torch.long)), lambda: set_flag(jtorch.zeros(2, dtype=jtorch.long))
    )


def test_detach_shares_storage():
    for T in (torch, jtorch):
        x = T.ones(3, requires_grad=True)
        d = x.detach()
        d.mul_(3)
        assert x.tolist() == [3.0, 3.0, 3.0]


def test_retain_grad():
    tx, jx = pair()
    res = []
    for x in (tx, jx):
        y = x.exp()
        y.retain_grad()
        assert y.retains_grad and not x.retains_grad
        z = y * y
        (z.sum() * 2).backward()
        res.append((y.grad, x.grad, z.grad))
    same(res[0][0], res[1][0])
    same(res[0][1], res[1][1])
    assert res[0][2] is None and res[1][2] is None


# --- hooks -------------------------------------------------------------------------------------------


@covers("Tensor.register_hook")
def test_register_hook_leaf_and_nonleaf_and_removal():
    tx, jx = pair()
    out = []
    for x in (tx, jx):
        seen = []
        h1 = x.register_hook(lambda g: g * 10)  # replaces the leaf's gradient
        y = x.sin()
        h2 = y.register_hook(lambda g, seen=seen: seen.append(g.clone()) or g + 1)  # non-leaf: replaces what flows on
        (y * y).sum().backward()
        g1 = x.grad.clone()
        h1.remove()
        h2.remove()
        x.grad = None
        y2 = x.sin()
        (y2 * y2).sum().backward()
        out.append((g1, x.grad, seen[0]))
    for a, b in zip(*out):
        same(a, b)


def test_hook_on_intermediate_used_twice():
    tx, jx = pair()
    for x in (tx, jx):
        y = x * 3
        calls = []
        y.register_hook(lambda g, calls=calls: calls.append(1))
        (y.sin() + y.cos()).sum().backward()
        assert len(calls) == 1  # called once with the summed gradient
    same(tx.grad, jx.grad)


# --- graph structure -------------------------------------------------------------------------------


def _structure(fn):
    if fn is None:
        return None
    name = fn.name()
    assert type(fn).__name__ == name.rsplit("::", 1)[-1]  # torch's grad_fn classes are named after the op
    return (name, tuple((_structure(n), i) if n is not None else None for n, i in fn.next_functions))


@covers("Tensor.grad_fn")
@pytest.mark.parametrize(
    "expr",
    [
        lambda T, x, y: x + y,
        lambda T, x, y: x * y,
        lambda T, x, y: (x * y).sum(),
        lambda T, x, y: x.exp(),
        lambda T, x, y: x - y * y,
        lambda T, x, y: x / y,
        lambda T, x, y: x.tanh().mean(),
        lambda T, x, y: x @ y.t(),
    ],
)
def test_grad_fn_names_and_next_functions(expr):
    (tx, jx), (ty, jy) = pair(), pair(seed=1)
    t, j = expr(torch, tx, ty), expr(jtorch, jx, jy)
    assert _structure(j.grad_fn) == _structure(t.grad_fn)


def test_grad_fn_of_leaf_and_no_grad():
    tx, jx = pair()
    assert jx.grad_fn is None and tx.grad_fn is None
    with torch.no_grad():
        assert (tx * 2).grad_fn is None
    with jtorch.no_grad():
        assert (jx * 2).grad_fn is None


# --- custom Functions ------------------------------------------------------------------------------


def make_functions(T):
    class Cube(T.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            ctx.save_for_backward(x)
            ctx.k = k
            return x**3 * k

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 3 * x**2 * ctx.k, None

    class Needs(T.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            ctx.record = ctx.needs_input_grad
            return a * b

        @staticmethod
        def backward(ctx, g):
            return g * 2, g * 3

    class SortIdx(T.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            v, i = x.sort()
            ctx.mark_non_differentiable(i)
            ctx.save_for_backward(i)
            return v, i

        @staticmethod
        @T.autograd.function.once_differentiable
        def backward(ctx, gv, gi):
            (i,) = ctx.saved_tensors
            return T.zeros_like(gv).scatter(-1, i, gv)

    class MulSetup(T.autograd.Function):
        @staticmethod
        def forward(x, y):
            return x * y

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.save_for_backward(*inputs)

        @staticmethod
        def backward(ctx, g):
            x, y = ctx.saved_tensors
            return g * y, g * x

    return Cube, Needs, SortIdx, MulSetup


@covers("autograd.Function")
def test_custom_function_save_for_backward():
    res = []
    for T, x in zip((torch, jtorch), pair()):
        Cube = make_functions(T)[0]
        y = Cube.apply(x, 2.0)
        assert y.grad_fn.name() == "CubeBackward"
        y.sum().backward()
        res.append((y, x.grad))
    same(res[0][0].detach(), res[1][0].detach())
    same(res[0][1], res[1][1])


def test_custom_function_needs_input_grad_and_setup_context():
    (ta, ja), (tb, jb) = pair(), pair(seed=1, requires_grad=False)
    res = []
    for T, a, b in ((torch, ta, tb), (jtorch, ja, jb)):
        _, Needs, _, MulSetup = make_functions(T)
        y = Needs.apply(a, b)
        y.sum().backward()
        res.append(a.grad)
        a.grad = None
        b2 = b.clone().requires_grad_()
        MulSetup.apply(a, b2).sum().backward()
        res.append((a.grad, b2.grad))
    same(res[0], res[2])
    same(res[1], res[3])


def test_custom_function_needs_input_grad_values():
    for T in (torch, jtorch):
        Needs = make_functions(T)[1]
        seen = []

        class Spy(Needs):
            @staticmethod
            def forward(ctx, a, b, seen=seen):
                seen.append(tuple(ctx.needs_input_grad))
                return a * b

        Spy.apply(T.ones(2, requires_grad=True), T.ones(2))
        assert seen == [(True, False)]


def test_custom_function_non_differentiable_and_once_differentiable():
    tx, jx = pair((5,))
    res = []
    for T, x in ((torch, tx), (jtorch, jx)):
        SortIdx = make_functions(T)[2]
        v, i = SortIdx.apply(x)
        assert v.requires_grad and not i.requires_grad
        (v * T.arange(5.0, dtype=T.float64)).sum().backward()
        res.append(x.grad)
        x.grad = None
        v, _ = SortIdx.apply(x)
        (g,) = T.autograd.grad((v**2).sum(), x, create_graph=True)
        assert g.requires_grad  # once_differentiable backward still sits on the graph
        res.append(g)
    same(res[0], res[2])
    raises_same(lambda: res[1].sum().backward(), lambda: res[3].sum().backward())


# --- more engine behaviour ---------------------------------------------------------------------------


@covers("autograd.backward")
def test_backward_inputs_and_multiple_roots():
    res = []
    for T, (x, y) in ((torch, (pair()[0], pair(seed=1)[0])), (jtorch, (pair()[1], pair(seed=1)[1]))):
        z = (x * y).sin()
        z.sum().backward(inputs=[x])
        assert y.grad is None
        res.append(x.grad.clone())
        x.grad = None
        T.autograd.backward([(x * y).sum(), (x.exp()).sum()], inputs=[x, y])
        res.append((x.grad, y.grad))
        x.grad = y.grad = None
        w = T.ones(3, 4, dtype=T.float64)
        T.autograd.backward([x * y, x.exp()], grad_tensors=[w, w * 2])
        res.append((x.grad, y.grad))
    for a, b in zip(res[:3], res[3:]):
        same(a, b)


def test_node_hooks():
    tx, jx = pair()
    out = []
    for x in (tx, jx):
        y = x.exp()
        seen = []
        fn = y.grad_fn
        h1 = fn.register_prehook(lambda go, seen=seen: seen.append(("pre", go[0].clone())))
        h2 = fn.register_hook(lambda gi, go, seen=seen: (gi[0] * 2,))
        (y * 3).sum().backward()
        out.append((x.grad.clone(), seen[0][1]))
        h1.remove()
        h2.remove()
        x.grad = None
        (x.exp() * 3).sum().backward()
        out.append(x.grad)
    same(out[0], out[2])
    same(out[1], out[3])


def test_retain_grad_accumulates_and_grad_dtype_shape():
    tx, jx = pair()
    res = []
    for x in (tx, jx):
        y = x * 2
        y.retain_grad()
        z = (y * y).sum()
        z.backward(retain_graph=True)
        z.backward()
        res.append((y.grad, x.grad))
        assert x.grad.dtype == x.dtype and tuple(x.grad.shape) == tuple(x.shape)
    same(res[0], res[1])


def test_grad_of_multiple_outputs_and_retain_graph():
    tx, jx = pair()
    res = []
    for T, x in ((torch, tx), (jtorch, jx)):
        a, b = x.sin(), x.cos()
        ga = T.autograd.grad([a.sum(), b.sum()], x, retain_graph=True)
        gb = T.autograd.grad([a, b], [x], grad_outputs=[T.ones_like(a), T.ones_like(b) * 2])
        res.append((ga, gb))
    same(res[0], res[1])


def test_function_materialize_grads_and_mark_dirty():
    res = []
    for T, x in zip((torch, jtorch), pair((3,))):

        class Two(T.autograd.Function):
            @staticmethod
            def forward(ctx, a):
                ctx.set_materialize_grads(False)
                return a * 2, a * 3

            @staticmethod
            def backward(ctx, g1, g2):
                res.append((g1 is None, g2 is None))
                return (g1 * 2 if g1 is not None else 0) + (g2 * 3 if g2 is not None else 0)

        class AddOneInplace(T.autograd.Function):
            @staticmethod
            def forward(ctx, a):
                a.add_(1)
                ctx.mark_dirty(a)
                return a

            @staticmethod
            def backward(ctx, g):
                return g

        u, v = Two.apply(x)
        u.sum().backward()  # v unused: its gradient reaches backward as None
        res.append(x.grad.clone())
        y = x.clone()
        z = AddOneInplace.apply(y)
        assert z is y
        res.append(z.detach().clone())
        (z * z).sum().backward()
        res.append(x.grad)
    assert res[0] == res[4] == (False, True)
    for a, b in zip(res[1:4], res[5:8]):
        same(a, b)


def test_complex_gradients_follow_torch_convention():
    z = np.array([1 + 2j, 3 - 1j, -0.5 + 0.25j])
    w = np.array([0.5 - 1j, 2 + 1j, 1j])
    res = []
    for T in (torch, jtorch):
        x = T.tensor(z, requires_grad=True)
        c = T.tensor(w)
        ((x * c).abs() + (x * x).real).sum().backward()
        (g,) = T.autograd.grad((x * x.conj() * c).real.sum(), x, create_graph=True)
        (gg,) = T.autograd.grad(g.abs().sum(), x)
        res.append((x.grad, g.detach(), gg))
    same(res[0], res[1])


def test_inplace_under_no_grad_keeps_history():
    tx, jx = pair()
    res = []
    for T, x in ((torch, tx), (jtorch, jx)):
        y = x * 2
        with T.no_grad():
            y.add_(1)
        assert y.requires_grad and y.grad_fn.name() == "MulBackward0"
        (y * y).sum().backward()
        res.append(x.grad)
    same(res[0], res[1])


@covers("autograd.detect_anomaly", "autograd.set_detect_anomaly")
def test_detect_anomaly_nan_error():
    for T in (torch, jtorch):
        with pytest.warns(UserWarning, match="Anomaly Detection has been enabled"):
            ctx = T.autograd.detect_anomaly()
        with ctx:
            y = T.tensor([-1.0, 1.0], requires_grad=True)
            with pytest.raises(
                RuntimeError, match=r"^Function 'SqrtBackward0' returned nan values in its 0th output\.$"
            ):
                y.sqrt().sum().backward()
        y.sqrt().sum().backward()  # outside: NaN gradients pass silently
        assert bool(y.grad.isnan().any())
        with T.autograd.set_detect_anomaly(True):
            with pytest.raises(RuntimeError, match="returned nan values"):
                T.tensor([-1.0], requires_grad=True).sqrt().sum().backward()
        with T.autograd.set_detect_anomaly(True, check_nan=False):
            T.tensor([-1.0], requires_grad=True).sqrt().sum().backward()


# --- found by porting programs: non-leaf .grad warning, batched and dict grads ----------------------------


def test_nonleaf_grad_read_warns_like_torch():
    tx, jx = pair()
    for x in (tx, jx):
        y = x * 2
        y.sum().backward()
        with pytest.warns(UserWarning, match="is not a leaf Tensor is being accessed") as rec:
            assert y.grad is None
        assert len(rec) == 1
        y2 = x * 3
        y2.retain_grad()  # retained or leaf: silent
        y2.sum().backward()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert x.grad is not None and y2.grad is not None


def test_grad_is_grads_batched_and_dict_inputs():
    tx, jx = pair((3,))
    res = []
    for T, x in ((torch, tx), (jtorch, jx)):
        y = x.sin() * x
        (jac,) = T.autograd.grad(y, x, grad_outputs=T.eye(3, dtype=T.float64), is_grads_batched=True)
        w = x * 1.0
        g = T.autograd.grad((w**3).sum(), {"x": x, "w": w}, create_graph=True)
        assert list(g) == ["x", "w"]
        (h,) = T.autograd.grad(g["w"], x, grad_outputs=T.ones(2, 3, dtype=T.float64), is_grads_batched=True)
        res.append((jac, g["x"], g["w"], h))
    for a, b in zip(res[0], res[1]):
        same(a, b)
    for T, x in ((torch, tx), (jtorch, jx)):
        with pytest.warns(FutureWarning, match="only_inputs argument is deprecated"):
            T.autograd.grad((x * 2).sum(), x, only_inputs=False)
    raises_same(
        lambda: torch.autograd.grad(tx * 2, tx, grad_outputs=torch.ones(2, 4), is_grads_batched=True),
        lambda: jtorch.autograd.grad(jx * 2, jx, grad_outputs=jtorch.ones(2, 4), is_grads_batched=True),
    )
    raises_same(lambda: torch.autograd.grad(tx.sum(), []), lambda: jtorch.autograd.grad(jx.sum(), []))
