"""jtorch.optim.transforms are real optax GradientTransformations, and lr changes never recompile."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

import jtorch
from jtorch.optim import transforms

FACTORIES = {
    "sgd": lambda: transforms.sgd(0.1, momentum=0.9, dampening=0.1, weight_decay=0.01),
    "adam": lambda: transforms.adam(0.05, amsgrad=True),
    "adamw": lambda: transforms.adamw(0.05),
    "adagrad": lambda: transforms.adagrad(0.1, lr_decay=0.01),
    "adadelta": lambda: transforms.adadelta(),
    "adamax": lambda: transforms.adamax(),
    "nadam": lambda: transforms.nadam(decoupled_weight_decay=True, weight_decay=0.1),
    "radam": lambda: transforms.radam(),
    "rmsprop": lambda: transforms.rmsprop(centered=True, momentum=0.5),
    "rprop": lambda: transforms.rprop(),
    "asgd": lambda: transforms.asgd(t0=2),
    "adafactor": lambda: transforms.adafactor(weight_decay=0.1),
    "muon": lambda: transforms.muon(0.02),
}

OPTIMIZERS = {
    "sgd": lambda ps: jtorch.optim.SGD(ps, 0.1, momentum=0.9, dampening=0.1, weight_decay=0.01),
    "adam": lambda ps: jtorch.optim.Adam(ps, 0.05, amsgrad=True),
    "adamw": lambda ps: jtorch.optim.AdamW(ps, 0.05),
    "adagrad": lambda ps: jtorch.optim.Adagrad(ps, 0.1, lr_decay=0.01),
    "adadelta": lambda ps: jtorch.optim.Adadelta(ps),
    "adamax": lambda ps: jtorch.optim.Adamax(ps),
    "nadam": lambda ps: jtorch.optim.NAdam(ps, decoupled_weight_decay=True, weight_decay=0.1),
    "radam": lambda ps: jtorch.optim.RAdam(ps),
    "rmsprop": lambda ps: jtorch.optim.RMSprop(ps, centered=True, momentum=0.5),
    "rprop": lambda ps: jtorch.optim.Rprop(ps),
    "asgd": lambda ps: jtorch.optim.ASGD(ps, t0=2),
    "adafactor": lambda ps: jtorch.optim.Adafactor(ps, weight_decay=0.1),
    "muon": lambda ps: jtorch.optim.Muon(ps, 0.02),
}


def _loss(params):
    return jnp.sum((params["w"] - 1.0) ** 2) + sum(jnp.sum(v**4) for k, v in params.items() if k != "w")


def _init():
    return {"w": jnp.array([[0.5, -1.0], [2.0, 0.3]], jnp.float32), "b": jnp.array([0.7, -0.2], jnp.float32)}


@pytest.mark.parametrize("name", list(FACTORIES))
def test_transformation_jit_chain_and_matches_optimizer(name):
    """Under jax.jit and optax.chain the transformation gives the same parameters as the jtorch Optimizer."""
    tx = optax.chain(optax.identity(), FACTORIES[name]())
    assert isinstance(tx, optax.GradientTransformation)
    params = _init()
    state = tx.init(params)

    @jax.jit
    def step(params, state):
        grads = jax.grad(_loss)(params)
        updates, state = tx.update(grads, state, params)
        return optax.apply_updates(params, updates), state

    if name == "muon":  # 2-D parameters only
        params = {"w": params["w"]}
        state = tx.init(params)
    ws = {k: jtorch.tensor(np.asarray(v), requires_grad=True) for k, v in params.items()}
    opt = OPTIMIZERS[name](list(ws.values()))
    for _ in range(8):
        params, state = step(params, state)
        grads = jax.grad(_loss)({k: v._data for k, v in ws.items()})
        for k in ws:
            ws[k].grad = jtorch.tensor(np.asarray(grads[k]))
        opt.step()
    for k in params:
        # optax applies ``p + (new_p - p)``; exact unless the update is not within a factor 2 of p.
        np.testing.assert_allclose(np.asarray(params[k]), ws[k].detach().numpy(), rtol=1e-6, atol=1e-7)
    assert step._cache_size() == 1


def test_update_without_params_raises():
    tx = transforms.adam()
    params = _init()
    with pytest.raises(ValueError):
        tx.update(params, tx.init(params))


def test_hyperparams_in_state_and_schedule():
    """Hyperparameters live in the state (like inject_hyperparams): edit them or pass an optax schedule."""
    params = _init()
    sched = optax.linear_schedule(0.1, 0.0, 4)
    tx = transforms.sgd(lr=sched)
    state = tx.init(params)
    grads = jax.tree.map(jnp.ones_like, params)
    lrs = []
    for _ in range(4):
        updates, state = tx.update(grads, state, params)
        lrs.append(float(-updates["b"][0]))
    np.testing.assert_allclose(lrs, [0.1, 0.075, 0.05, 0.025], rtol=1e-6)
    tx2 = transforms.sgd(lr=0.1)
    s2 = tx2.init(params)
    s2 = s2._replace(hyperparams=dict(s2.hyperparams, lr=jnp.asarray(0.5, jnp.float64)))
    updates, _ = tx2.update(grads, s2, params)
    assert float(-updates["b"][0]) == pytest.approx(0.5)


def test_scheduler_lr_change_does_not_recompile():
    w = jtorch.tensor(np.ones(3, np.float32), requires_grad=True)
    opt = jtorch.optim.Adam([w], lr=0.1)
    sched = jtorch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=10)
    compiled = transforms.compiled_group_step(
        transforms.adam_rule, tuple(sorted(opt._flags(opt.param_groups[0]).items())), True
    )
    lrs = set()
    for i in range(10):
        w.grad = jtorch.tensor(np.full(3, 0.5, np.float32))
        opt.step()
        if i == 0:
            size = compiled._cache_size()  # after the first (compiling) step
            assert size >= 1
        sched.step()
        lrs.add(opt.param_groups[0]["lr"])
    assert len(lrs) == 10
    assert compiled._cache_size() == size
    opt.param_groups[0]["betas"] = (0.5, 0.9)  # a new beta value is also just data
    w.grad = jtorch.tensor(np.full(3, 0.5, np.float32))
    opt.step()
    assert compiled._cache_size() == size


def test_step_updates_in_place_only_when_nothing_else_holds_the_arrays():
    """The step donates parameter and state buffers to XLA unless something still references them."""
    import weakref

    lin = jtorch.nn.Linear(3, 2)
    opt = jtorch.optim.Adam(lin.parameters(), lr=0.1)
    x = jtorch.ones(4, 3)
    lin(x).sum().backward()
    opt.step()  # creates the state
    lin(x).sum().backward()
    old = weakref.ref(lin.weight._arr)
    opt.step()
    assert old() is None or old().is_deleted()  # the buffer went to XLA for the update

    # A graph still alive saved the weight: it keeps its array (no donation), a second backward works.
    loss = lin(x).sum()
    loss.backward(retain_graph=True)
    held = lin.weight._arr
    before = np.asarray(held).copy()
    view = lin.weight.detach().numpy()
    opt.step()
    assert not held.is_deleted()
    np.testing.assert_array_equal(view, before)  # a numpy view keeps the values it saw
    loss.backward()
    assert not np.array_equal(lin.weight.detach().numpy(), before)
