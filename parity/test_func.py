"""torch.func parity: jtorch's transforms (over JAX's) give torch.func's results."""

import numpy as np
import torch
import torch.func as tf
from opinfo import assert_same, covers

import jtorch
import jtorch.func as jf

torch.set_num_threads(1)

X = np.array([0.5, -1.0, 2.0], np.float64)
M = np.arange(12.0).reshape(4, 3) / 10


def _both(a):
    return torch.from_numpy(a.copy()), jtorch.from_numpy(a.copy())


def f(T, x):
    return (x.sin() * x**2).sum()


def g(T, x):
    return x.exp() * x.cos()


@covers("func.grad", "func.grad_and_value")
def test_grad_and_value():
    t, j = _both(X)
    assert_same(tf.grad(lambda x: f(torch, x))(t), jf.grad(lambda x: f(jtorch, x))(j), 1e-12, 1e-12)
    tg, tv = tf.grad_and_value(lambda x, y: (x * y).sum(), argnums=(0, 1))(t, t * 2)
    jg, jv = jf.grad_and_value(lambda x, y: (x * y).sum(), argnums=(0, 1))(j, j * 2)
    assert_same(tuple(tg), tuple(jg), 1e-12, 1e-12)
    assert_same(tv, jv, 1e-12, 1e-12)
    ta = tf.grad(lambda x: (f(torch, x), x.mean()), has_aux=True)(t)
    ja = jf.grad(lambda x: (f(jtorch, x), x.mean()), has_aux=True)(j)
    assert_same(tuple(ta), tuple(ja), 1e-12, 1e-12)


@covers("func.jacrev", "func.jacfwd", "func.hessian")
def test_jacobians_and_hessian():
    t, j = _both(X)
    assert_same(tf.jacrev(lambda x: g(torch, x))(t), jf.jacrev(lambda x: g(jtorch, x))(j), 1e-12, 1e-12)
    assert_same(tf.jacfwd(lambda x: g(torch, x))(t), jf.jacfwd(lambda x: g(jtorch, x))(j), 1e-12, 1e-12)
    assert_same(tf.hessian(lambda x: f(torch, x))(t), jf.hessian(lambda x: f(jtorch, x))(j), 1e-12, 1e-12)


@covers("func.vjp", "func.jvp")
def test_vjp_jvp():
    t, j = _both(X)
    to, tfn = tf.vjp(lambda x: g(torch, x), t)
    jo, jfn = jf.vjp(lambda x: g(jtorch, x), j)
    assert_same(to, jo, 1e-12, 1e-12)
    assert_same(
        tuple(tfn(torch.ones(3, dtype=torch.float64))), tuple(jfn(jtorch.ones(3, dtype=jtorch.float64))), 1e-12, 1e-12
    )
    assert_same(
        tuple(tf.jvp(lambda x: g(torch, x), (t,), (t,))),
        tuple(jf.jvp(lambda x: g(jtorch, x), (j,), (j,))),
        1e-12,
        1e-12,
    )


@covers("func.vmap")
def test_vmap():
    t, j = _both(M)
    assert_same(tf.vmap(lambda r: r.dot(r))(t), jf.vmap(lambda r: r.dot(r))(j), 1e-12, 1e-12)
    assert_same(
        tf.vmap(lambda r: r * 2, in_dims=1, out_dims=1)(t),
        jf.vmap(lambda r: r * 2, in_dims=1, out_dims=1)(j),
        1e-12,
        1e-12,
    )
    per_example = tf.vmap(tf.grad(lambda r: (r**3).sum()))(t)
    assert_same(per_example, jf.vmap(jf.grad(lambda r: (r**3).sum()))(j), 1e-12, 1e-12)


@covers("func.functional_call")
def test_functional_call_per_sample_grads():
    tl, jl = torch.nn.Linear(3, 2).double(), jtorch.nn.Linear(3, 2).double()
    jl.load_state_dict({k: v.numpy() for k, v in tl.state_dict().items()})
    tp = {k: v.detach() for k, v in tl.named_parameters()}
    jp = {k: v.detach() for k, v in jl.named_parameters()}
    t, j = _both(M)

    def loss(T, call, p, x):
        return call(tl if T is torch else jl, p, (x[None],)).pow(2).sum()

    tg = tf.vmap(tf.grad(lambda p, x: loss(torch, tf.functional_call, p, x)), in_dims=(None, 0))(tp, t)
    jg = jf.vmap(jf.grad(lambda p, x: loss(jtorch, jf.functional_call, p, x)), in_dims=(None, 0))(jp, j)
    for k in tg:
        assert_same(tg[k], jg[k], 1e-12, 1e-12, k)
    assert_same(tf.functional_call(tl, tp, (t,)), jf.functional_call(jl, jp, (j,)), 1e-12, 1e-12)
