"""jtorch modules as Flax NNX graph nodes: split/merge/state/update/jit/grad, and Flax modules
inside jtorch modules (and the reverse). No torch needed: expected values come from plain JAX."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

import jtorch
import jtorch.nn as nn


class Affine(nn.Module):
    def __init__(self, i: int, o: int):
        super().__init__()
        self.weight = nn.Parameter(jtorch.randn(o, i) * 0.5)
        self.bias = nn.Parameter(jtorch.zeros(o))
        self.register_buffer("calls", jtorch.zeros(()))
        self.register_buffer("scratch", jtorch.zeros(1), persistent=False)

    def forward(self, x):
        return x @ self.weight.t() + self.bias


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = Affine(3, 4)
        self.seq = nn.Sequential(Affine(4, 4), Affine(4, 2))

    def forward(self, x):
        return self.seq(self.a(x).tanh())


def _ref(net, x):
    """The same forward in plain JAX from the parameter arrays."""
    h = x @ net.a.weight._data.T + net.a.bias._data
    h = jnp.tanh(h)
    for m in net.seq:
        h = h @ m.weight._data.T + m.bias._data
    return h


X = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)


def test_parameter_is_tensor_and_nnx_param():
    p = nn.Parameter(jtorch.ones(2, 3))
    assert isinstance(p, jtorch.Tensor) and isinstance(p, nnx.Param)
    b = nn.Buffer(jtorch.ones(2))
    assert isinstance(b, jtorch.Tensor) and isinstance(b, nnx.BatchStat) and not isinstance(b, nnx.Param)
    # one storage: NNX's value and the tensor are the same array, both ways
    with jtorch.no_grad():
        p.mul_(3)
    np.testing.assert_array_equal(np.asarray(p.get_value()), np.full((2, 3), 3.0))
    p.set_value(jnp.zeros((2, 3)))
    np.testing.assert_array_equal(p.detach().numpy(), np.zeros((2, 3)))
    leaves = jax.tree.leaves(p)
    assert len(leaves) == 1 and leaves[0].shape == (2, 3)
    q = jax.tree.map(lambda a: a + 1, nn.Parameter(jtorch.ones(2), requires_grad=False))
    assert isinstance(q, nn.Parameter) and not q.requires_grad  # requires_grad survives pytree round trips


def test_split_merge_state_update():
    net = Net()
    graphdef, state = nnx.split(net)
    flat = {".".join(map(str, k)) for k, _ in nnx.to_flat_state(state)}
    assert flat == {n for n, _ in net.named_parameters()} | {n for n, _ in net.named_buffers()}
    params = nnx.state(net, nnx.Param)
    assert {".".join(map(str, k)) for k, _ in nnx.to_flat_state(params)} == {n for n, _ in net.named_parameters()}
    clone = nnx.merge(graphdef, jax.tree.map(lambda a: a + 0, state))
    assert type(clone) is Net and repr(clone) == repr(net)
    assert list(clone.state_dict()) == list(net.state_dict())
    np.testing.assert_allclose(clone(jtorch.tensor(X)).detach().numpy(), _ref(net, X), rtol=1e-6, atol=1e-6)
    # update writes into the same Parameter objects
    w = net.a.weight
    nnx.update(net, jax.tree.map(jnp.zeros_like, params))
    assert net.a.weight is w and float(w.abs().sum()) == 0.0
    assert net.training and clone.training
    clone.eval()
    assert not clone.seq[0].training and net.seq[0].training


def test_nnx_jit_and_grad():
    net = Net()

    @nnx.jit
    def fwd(model, x):
        return model(jtorch.Tensor._wrap(x))._data

    np.testing.assert_allclose(fwd(net, X), _ref(net, X), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(fwd(net, X), _ref(net, X), rtol=1e-6, atol=1e-6)

    def loss(model, x):
        return (model(jtorch.Tensor._wrap(x)) ** 2).sum()._data

    grads = nnx.grad(loss)(net, X)
    ref = jax.grad(
        lambda w: (
            (
                (jnp.tanh(X @ w["aw"].T + w["ab"]) @ net.seq[0].weight._data.T + net.seq[0].bias._data)
                @ net.seq[1].weight._data.T
                + net.seq[1].bias._data
            )
            .__pow__(2)
            .sum()
        )
    )({"aw": net.a.weight._data, "ab": net.a.bias._data})
    np.testing.assert_allclose(np.asarray(grads["a"]["weight"].get_value()), ref["aw"], rtol=1e-5, atol=1e-6)
    # and the eager jtorch tape agrees with nnx.grad
    (net(jtorch.tensor(X)) ** 2).sum().backward()
    np.testing.assert_allclose(net.a.weight.grad.numpy(), ref["aw"], rtol=1e-5, atol=1e-6)

    @nnx.jit
    def bump(model):  # in-place writes inside nnx.jit reach the outer module
        with jtorch.no_grad():
            model.a.calls.add_(1)

    bump(net)
    bump(net)
    assert float(net.a.calls) == 2.0


def test_flax_module_inside_jtorch_module():
    class Hybrid(nn.Module):
        def __init__(self):
            super().__init__()
            self.fl = nnx.Linear(3, 4, rngs=nnx.Rngs(0))
            self.head = Affine(4, 1)

        def forward(self, x):
            return self.head(self.fl(x).relu())

    h = Hybrid()
    assert isinstance(h.fl, nnx.Linear)
    assert [n for n, _ in h.named_parameters()] == ["fl.kernel", "fl.bias", "head.weight", "head.bias"]
    assert list(h.state_dict()) == ["fl.kernel", "fl.bias", "head.weight", "head.bias", "head.calls"]
    assert all(isinstance(p, nn.Parameter) for p in h.parameters())
    x = jtorch.tensor(X)
    out = h(x)
    k, b = h.fl.kernel._data, h.fl.bias._data
    ref_fn = lambda k, b: (  # noqa: E731
        jax.nn.relu(X @ k + b) @ h.head.weight._data.T + h.head.bias._data
    ).sum()
    np.testing.assert_allclose(out.sum().item(), float(ref_fn(k, b)), rtol=1e-5)
    out.sum().backward()
    gk, gb = jax.grad(ref_fn, argnums=(0, 1))(k, b)
    np.testing.assert_allclose(h.fl.kernel.grad.numpy(), gk, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(h.fl.bias.grad.numpy(), gb, rtol=1e-5, atol=1e-6)
    # load_state_dict and to() reach the Flax module's parameters too
    sd = {k: v.clone() * 0 for k, v in h.state_dict().items()}
    h.load_state_dict(sd)
    assert float(h.fl.kernel.abs().sum()) == 0.0
    h.double()
    assert h.fl.kernel.dtype is jtorch.float64
    # and the whole thing still splits/merges as one NNX graph
    g, s = nnx.split(h)
    assert {".".join(map(str, k)) for k, _ in nnx.to_flat_state(s)} >= {"fl.kernel", "fl.bias", "head.weight"}
    assert isinstance(nnx.merge(g, s).fl, nnx.Linear)


def test_jtorch_module_inside_flax_module():
    class Outer(nnx.Module):
        def __init__(self):
            self.inner = Affine(3, 2)
            self.lin = nnx.Linear(2, 1, rngs=nnx.Rngs(1))

        def __call__(self, x):
            return self.lin(self.inner(jtorch.Tensor._wrap(x))._data)

    o = Outer()
    params = nnx.state(o, nnx.Param)
    names = {".".join(map(str, k)) for k, _ in nnx.to_flat_state(params)}
    assert names == {"inner.weight", "inner.bias", "lin.kernel", "lin.bias"}
    grads = nnx.grad(lambda m, x: m(x).sum())(o, X)
    w, b = o.inner.weight._data, o.inner.bias._data
    ref = jax.grad(lambda w: ((X @ w.T + b) @ o.lin.kernel[...] + o.lin.bias[...]).sum())(w)
    np.testing.assert_allclose(np.asarray(grads["inner"]["weight"].get_value()), ref, rtol=1e-5, atol=1e-6)
    out = nnx.jit(lambda m, x: m(x))(o, X)
    assert out.shape == (5, 1)
