"""Training-step throughput, four ways, in one run: torch eager, jtorch eager, jtorch compiled,
and the same model hand-written in JAX (jax.jit + optax, donated state).

    python benchmarks/bench_compile.py [--quick]

Threads: torch runs with torch.set_num_threads(1) and again with 2 (the machine has 2 cores);
JAX/XLA uses its default CPU thread pool. Report ratios: these machines are noisy.
"""

from __future__ import annotations

import argparse
import time

import jax
import jax.numpy as jnp
import numpy as np
import optax
import torch

import jtorch


def rate(step, seconds: float, sync=None) -> float:
    """Steps per second of ``step`` over about ``seconds`` (after warm-up)."""
    for _ in range(3):
        step()
    if sync:
        sync()
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        for _ in range(5):
            step()
        n += 5
    if sync:
        sync()
    return n / (time.perf_counter() - t0)


# --- the tutorial's linear regression (506x13, SGD) ------------------------------------------------


def linreg(T, data, target):
    class LinearModel(T.nn.Module):
        def __init__(self, ndim):
            super().__init__()
            self.weight = T.nn.Parameter(T.from_numpy(np.full((ndim, 1), 0.01, np.float32)))
            self.bias = T.nn.Parameter(T.zeros(1))

        def forward(self, x):
            return x.mm(self.weight) + self.bias

    lm = LinearModel(13)
    criterion = T.nn.MSELoss()
    opt = T.optim.SGD(lm.parameters(), lr=1e-6)
    x, y = T.from_numpy(data), T.from_numpy(target)

    def step():
        opt.zero_grad()
        loss = criterion(lm(x).squeeze(1), y)
        loss.backward()
        opt.step()
        return loss

    return step


def linreg_jax(data, target):
    params = {"w": jnp.full((13, 1), 0.01, jnp.float32), "b": jnp.zeros(1, jnp.float32)}
    tx = optax.sgd(1e-6)
    state = [params, tx.init(params)]
    x, y = jnp.asarray(data), jnp.asarray(target)

    @jax.jit
    def _step(params, opt_state):
        def loss_fn(p):
            return jnp.mean(((x @ p["w"] + p["b"])[:, 0] - y) ** 2)

        loss, g = jax.value_and_grad(loss_fn)(params)
        upd, opt_state = tx.update(g, opt_state, params)
        return optax.apply_updates(params, upd), opt_state, loss

    step_jit = jax.jit(_step, donate_argnums=(0, 1))

    def step():
        state[0], state[1], loss = step_jit(state[0], state[1])
        return loss

    return step


# --- MLP 784-512-512-10, Adam, batch 128 -------------------------------------------------------------


def mlp(T, x_np, y_np):
    T.manual_seed(0)
    nn = T.nn
    model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))
    opt = T.optim.Adam(model.parameters(), lr=1e-3)
    criterion = nn.CrossEntropyLoss()
    x, y = T.from_numpy(x_np), T.from_numpy(y_np)

    def step():
        opt.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        opt.step()
        return loss

    return step


def mlp_jax(x_np, y_np):
    key = jax.random.key(0)
    sizes = [(784, 512), (512, 512), (512, 10)]
    params = []
    for i, (a, b) in enumerate(sizes):
        k = jax.random.fold_in(key, i)
        params.append({"w": jax.random.uniform(k, (a, b), jnp.float32, -1 / a**0.5, 1 / a**0.5), "b": jnp.zeros(b, jnp.float32)})
    tx = optax.adam(1e-3)
    state = [params, tx.init(params)]
    x, y = jnp.asarray(x_np), jnp.asarray(y_np)

    def _step(params, opt_state):
        def loss_fn(p):
            h = x
            for i, layer in enumerate(p):
                h = h @ layer["w"] + layer["b"]
                if i < len(p) - 1:
                    h = jax.nn.relu(h)
            return optax.softmax_cross_entropy_with_integer_labels(h, y).mean()

        loss, g = jax.value_and_grad(loss_fn)(params)
        upd, opt_state = tx.update(g, opt_state, params)
        return optax.apply_updates(params, upd), opt_state, loss

    step_jit = jax.jit(_step, donate_argnums=(0, 1))

    def step():
        state[0], state[1], loss = step_jit(state[0], state[1])
        return loss

    return step


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="0.5 s per measurement instead of 3 s")
    args = ap.parse_args()
    secs = 0.5 if args.quick else 3.0
    rng = np.random.default_rng(0)
    cases = {
        "linreg 506x13 SGD": (
            (rng.standard_normal((506, 13)).astype(np.float32), rng.standard_normal(506).astype(np.float32)),
            linreg,
            linreg_jax,
        ),
        "MLP 784-512-512-10 Adam b128": (
            (rng.standard_normal((128, 784)).astype(np.float32), rng.integers(0, 10, 128)),
            mlp,
            mlp_jax,
        ),
    }
    sync = jtorch.cuda.synchronize
    print(f"devices: jax {jax.devices()}, torch {torch.__version__}")
    print(f"{'case':32s} {'torch1':>9s} {'torch2':>9s} {'jt eager':>9s} {'jt comp':>9s} {'jax.jit':>9s}  comp/jax  comp/torch1")
    for name, (data, make, make_jax) in cases.items():
        torch.set_num_threads(1)
        t1 = rate(make(torch, *data), secs)
        torch.set_num_threads(2)
        t2 = rate(make(torch, *data), secs)
        torch.set_num_threads(1)
        je = rate(make(jtorch, *data), secs, sync)
        jc = rate(jtorch.compile(make(jtorch, *data)), secs, sync)
        jj = rate(make_jax(*data), secs, sync)
        print(f"{name:32s} {t1:9.0f} {t2:9.0f} {je:9.0f} {jc:9.0f} {jj:9.0f}  {jc / jj:8.2f}  {jc / t1:10.2f}")


if __name__ == "__main__":
    main()
