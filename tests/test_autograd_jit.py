"""The autograd tape runs unchanged on traced values inside ``jax.jit``.

A jitted function builds jtorch tensors from its jax-array inputs, runs forward and
``loss.backward()`` and returns the leaves' ``.grad``; the result must equal the eager run and
``jax.grad`` of the same maths.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

import jtorch


def loss_fn(x, w, b):
    """A small MLP-like loss written with jtorch ops (matmul, broadcasting add, tanh, mean, pow)."""
    h = (x @ w + b).tanh()
    return (h * h).mean() + (w**2).sum() * 0.1


def jtorch_grads(x_arr, w_arr, b_arr):
    x = jtorch.Tensor._wrap(x_arr)
    w = jtorch.Tensor._wrap(w_arr).requires_grad_()
    b = jtorch.Tensor._wrap(b_arr).requires_grad_()
    loss = loss_fn(x, w, b)
    loss.backward()
    return loss._data, w.grad._data, b.grad._data


def jax_loss(x, w, b):
    h = jnp.tanh(x @ w + b)
    return jnp.mean(h * h) + jnp.sum(w**2) * 0.1


def inputs():
    rng = np.random.default_rng(0)
    return (
        jnp.asarray(rng.standard_normal((5, 3))),
        jnp.asarray(rng.standard_normal((3, 4))),
        jnp.asarray(rng.standard_normal((4,))),
    )


def test_backward_under_jit_matches_eager_and_jax_grad():
    x, w, b = inputs()
    eager = jtorch_grads(x, w, b)
    jitted = jax.jit(jtorch_grads)(x, w, b)
    ref_loss = jax_loss(x, w, b)
    ref_gw, ref_gb = jax.grad(jax_loss, argnums=(1, 2))(x, w, b)
    for e, j in zip(eager, jitted):
        assert isinstance(j, jax.Array) and j.dtype == e.dtype
        np.testing.assert_allclose(np.asarray(j), np.asarray(e), rtol=1e-12, atol=1e-14)
    for got, ref in zip(jitted, (ref_loss, ref_gw, ref_gb)):
        np.testing.assert_allclose(np.asarray(got), np.asarray(ref), rtol=1e-12, atol=1e-14)


def test_autograd_grad_and_higher_order_under_jit():
    """``autograd.grad`` with create_graph gives second derivatives under jit too."""

    def second(x_arr):
        x = jtorch.Tensor._wrap(x_arr).requires_grad_()
        (g,) = jtorch.autograd.grad((x.sin() * x).sum(), x, create_graph=True)
        (gg,) = jtorch.autograd.grad(g.sum(), x)
        return g._data, gg._data

    x = jnp.linspace(-1.0, 1.0, 6)
    g, gg = jax.jit(second)(x)
    eg, egg = second(x)
    f = lambda v: jnp.sin(v) * v  # noqa: E731
    ref_g = jax.vmap(jax.grad(f))(x)
    ref_gg = jax.vmap(jax.grad(jax.grad(f)))(x)
    np.testing.assert_allclose(np.asarray(g), np.asarray(ref_g), rtol=1e-12)
    np.testing.assert_allclose(np.asarray(gg), np.asarray(ref_gg), rtol=1e-12)
    np.testing.assert_allclose(np.asarray(eg), np.asarray(g), rtol=1e-12)
    np.testing.assert_allclose(np.asarray(egg), np.asarray(gg), rtol=1e-12)


def test_accumulation_under_jit():
    """Two backward calls accumulate into .grad inside one traced function."""

    def twice(w_arr):
        w = jtorch.Tensor._wrap(w_arr).requires_grad_()
        (w * w).sum().backward()
        (w.exp()).sum().backward()
        return w.grad._data

    w = jnp.arange(4.0)
    np.testing.assert_allclose(np.asarray(jax.jit(twice)(w)), np.asarray(2 * w + jnp.exp(w)), rtol=1e-12)
