"""Eager nn.Module and optimizer cost of jtorch against torch, flax NNX and optax (issues 3 and 6).

In one run:
1. forward + backward of a 4-layer MLP (512-512-512-512-10, batch 64), eager: jtorch, torch, and
   the same model in flax NNX (eager ``nnx.value_and_grad``, and under ``nnx.jit`` for reference);
2. one optimizer step (Adam, and SGD with momentum) over a ~10M-parameter model with gradients
   present: jtorch eager ``opt.step()``, optax directly (``optax.adam``/``optax.sgd`` update +
   ``apply_updates`` in one ``jax.jit`` with donation, as a JAX user writes it), and torch.

Prints microseconds per call and ratios. Target (issue 6): jtorch's step within 1.2x of optax.
Run: ``python benchmarks/bench_module_optim.py [--quick]``. torch runs with one intra-op thread
(stated in the output); XLA uses its default CPU thread pool.
"""

from __future__ import annotations

import argparse
import os

import jax
import jax.numpy as jnp
import numpy as np
import optax
import torch
from bench_ops import bench  # same timing rule for every eager benchmark
from flax import nnx

import jtorch

torch.set_num_threads(1)


# --- 1. MLP forward + backward -------------------------------------------------------------------

SIZES = [512, 512, 512, 512, 10]


def _mlp(nn):
    layers = []
    for i in range(len(SIZES) - 1):
        layers.append(nn.Linear(SIZES[i], SIZES[i + 1]))
        if i < len(SIZES) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


class NnxMLP(nnx.Module):
    def __init__(self, rngs: nnx.Rngs):
        self.layers = nnx.List([nnx.Linear(SIZES[i], SIZES[i + 1], rngs=rngs) for i in range(len(SIZES) - 1)])

    def __call__(self, x):
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i < len(self.layers) - 1:
                x = jax.nn.relu(x)
        return x


def mlp_rows(min_time: float) -> list:
    rng = np.random.default_rng(0)
    x_np = rng.standard_normal((64, SIZES[0])).astype(np.float32)
    y_np = rng.integers(0, SIZES[-1], 64)

    tm, jm = _mlp(torch.nn), _mlp(jtorch.nn)
    tx, ty = torch.from_numpy(x_np), torch.from_numpy(y_np)
    jx, jy = jtorch.from_numpy(x_np), jtorch.from_numpy(y_np)

    def torch_step():
        tm.zero_grad()
        torch.nn.functional.cross_entropy(tm(tx), ty).backward()

    def jtorch_step():
        jm.zero_grad()
        jtorch.nn.functional.cross_entropy(jm(jx), jy).backward()
        jm[-1].bias.grad._data.block_until_ready()

    nm = NnxMLP(nnx.Rngs(0))
    xx, yy = jnp.asarray(x_np), jnp.asarray(y_np)

    def nnx_loss(model, x, y):
        return optax.softmax_cross_entropy_with_integer_labels(model(x), y).mean()

    nnx_grad = nnx.value_and_grad(nnx_loss)
    nnx_grad_jit = nnx.jit(nnx.value_and_grad(nnx_loss))

    def nnx_eager():
        jax.block_until_ready(nnx_grad(nm, xx, yy))

    def nnx_jit():
        jax.block_until_ready(nnx_grad_jit(nm, xx, yy))

    t = bench(torch_step, min_time)
    j = bench(jtorch_step, min_time)
    n = bench(nnx_eager, min_time)
    nj = bench(nnx_jit, min_time)
    return [
        ("MLP fwd+bwd: jtorch eager", j, j / t, j / n),
        ("MLP fwd+bwd: torch eager", t, 1.0, t / n),
        ("MLP fwd+bwd: flax NNX eager", n, n / t, 1.0),
        ("MLP fwd+bwd: flax NNX nnx.jit", nj, nj / t, nj / n),
    ]


# --- 2. optimizer step over ~10M parameters --------------------------------------------------------

SHAPES = [(2048, 1024), (2048,), (2048, 2048), (2048,), (1024, 2048), (1024,), (1024, 1024), (1024,), (10, 1024)]


def optim_rows(name: str, min_time: float) -> list:
    rng = np.random.default_rng(1)
    params_np = [rng.standard_normal(s).astype(np.float32) * 0.01 for s in SHAPES]
    grads_np = [rng.standard_normal(s).astype(np.float32) * 0.01 for s in SHAPES]
    n_params = sum(p.size for p in params_np)

    def make(T):
        ps = [T.nn.Parameter(T.from_numpy(p.copy())) for p in params_np]
        for p, g in zip(ps, grads_np):
            p.grad = T.from_numpy(g.copy())
        if name == "Adam":
            return ps, T.optim.Adam(ps, lr=1e-3)
        return ps, T.optim.SGD(ps, lr=1e-2, momentum=0.9)

    tps, topt = make(torch)
    jps, jopt = make(jtorch)

    def jtorch_step():
        jopt.step()
        jps[0]._data.block_until_ready()

    tx = optax.adam(1e-3) if name == "Adam" else optax.sgd(1e-2, momentum=0.9)
    params = [jnp.asarray(p) for p in params_np]
    grads = [jnp.asarray(g) for g in grads_np]
    state = tx.init(params)

    @jax.jit
    def _optax_update(params, state, grads):
        updates, state = tx.update(grads, state, params)
        return optax.apply_updates(params, updates), state

    optax_update = jax.jit(_optax_update, donate_argnums=(0, 1))
    box = [params, state]

    def optax_step():
        box[0], box[1] = optax_update(box[0], box[1], grads)
        box[0][0].block_until_ready()

    t = bench(topt.step, min_time)
    j = bench(jtorch_step, min_time)
    o = bench(optax_step, min_time)
    label = f"{name} step, {n_params / 1e6:.1f}M params"
    return [
        (f"{label}: jtorch eager", j, j / t, j / o),
        (f"{label}: torch", t, 1.0, t / o),
        (f"{label}: optax jit+donate", o, o / t, 1.0),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short timing windows (smoke run)")
    args = parser.parse_args()
    min_time = 0.05 if args.quick else 1.0

    rows = mlp_rows(min_time) + optim_rows("Adam", min_time) + optim_rows("SGD momentum", min_time)
    print(
        f"jax {jax.__version__} on {jax.devices()[0].platform}; torch {torch.__version__} with "
        f"torch.get_num_threads()={torch.get_num_threads()}; XLA default CPU threads; cpus={os.cpu_count()}"
    )
    print(f"{'case':46s} {'us/call':>10s} {'/torch':>7s} {'/ref':>7s}   (ref: flax NNX eager | optax)")
    for label, us, vs_torch, vs_ref in rows:
        print(f"{label:46s} {us:10.1f} {vs_torch:7.2f} {vs_ref:7.2f}")


if __name__ == "__main__":
    main()
