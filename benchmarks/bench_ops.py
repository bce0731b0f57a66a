"""Eager per-op overhead of jtorch against torch and raw ``jax.numpy`` (DESIGN.md "Pitfalls").

Measures, in one run: a small add (4x4) and a 256x256 matmul, each without and with
``requires_grad`` (a recorded op), and a backward step ``(a * b).sum().backward()`` against its
forward. Prints a table with ratios. Targets: a jtorch op without grad within 1.5x of raw jnp
eager, a recorded op within 2.5x, a backward within 3x of its forward.

Run: ``python benchmarks/bench_ops.py``. torch runs with one intra-op thread (stated in the
output) so numbers do not collapse when the 2-core machine is shared.
"""

from __future__ import annotations

import os
import time

import jax
import jax.numpy as jnp
import numpy as np
import torch

import jtorch

torch.set_num_threads(1)


def bench(fn, min_time: float = 0.3, repeat: int = 5) -> float:
    """Median over ``repeat`` runs of the mean time per call (microseconds), after warm-up."""
    for _ in range(20):
        fn()
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < min_time / 4:
        fn()
        n += 1
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        runs.append((time.perf_counter() - t0) / n * 1e6)
    return float(np.median(runs))


def _block(x):
    return x.block_until_ready() if hasattr(x, "block_until_ready") else x


def _op_rows(label: str, a_np: np.ndarray, b_np: np.ndarray, op: str) -> list:
    """Per-op times of ``op`` on the two inputs: plain and recorded, for jtorch, torch and jnp."""
    ta, tb = torch.from_numpy(a_np), torch.from_numpy(b_np)
    ja, jb = jtorch.from_numpy(a_np), jtorch.from_numpy(b_np)
    xa, xb = jnp.asarray(a_np), jnp.asarray(b_np)
    tag, tbg = ta.clone().requires_grad_(), tb.clone().requires_grad_()
    jag, jbg = ja.clone().requires_grad_(), jb.clone().requires_grad_()
    f = getattr  # m.add / m.matmul exist on torch, jtorch and jax.numpy alike
    t_plain = bench(lambda: f(torch, op)(ta, tb))
    j_plain = bench(lambda: _block(f(jtorch, op)(ja, jb)._data))
    x_plain = bench(lambda: _block(f(jnp, op)(xa, xb)))
    t_rec = bench(lambda: f(torch, op)(tag, tbg))
    j_rec = bench(lambda: _block(f(jtorch, op)(jag, jbg)._data))
    return [
        (f"{label} (no grad)", j_plain, t_plain, x_plain, "op <= 1.5x jnp"),
        (f"{label} (recorded)", j_rec, t_rec, x_plain, "op <= 2.5x jnp"),
    ]


def main() -> None:
    rng = np.random.default_rng(0)
    rows = []
    for label, shape, op in (("add 4x4", (4, 4), "add"), ("matmul 256x256", (256, 256), "matmul")):
        rows.extend(
            _op_rows(
                label, rng.standard_normal(shape).astype(np.float32), rng.standard_normal(shape).astype(np.float32), op
            )
        )

    # Backward step: (a * b).sum().backward(), grads reset to None each step as zero_grad() does.
    a_np = rng.standard_normal((4, 4)).astype(np.float32)
    b_np = rng.standard_normal((4, 4)).astype(np.float32)
    ta, tb = torch.from_numpy(a_np).requires_grad_(), torch.from_numpy(b_np).requires_grad_()
    ja, jb = jtorch.from_numpy(a_np).requires_grad_(), jtorch.from_numpy(b_np).requires_grad_()
    xa, xb = jnp.asarray(a_np), jnp.asarray(b_np)

    def step(m, a, b):
        a.grad = b.grad = None
        loss = (a * b).sum()
        loss.backward()
        return a.grad

    t_fwd = bench(lambda: (ta * tb).sum())
    j_fwd = bench(lambda: _block((ja * jb).sum()._data))
    x_fwd = bench(lambda: _block((xa * xb).sum()))
    t_step = bench(lambda: step(torch, ta, tb))
    j_step = bench(lambda: _block(step(jtorch, ja, jb)._data))
    x_grad = jax.grad(lambda a, b: (a * b).sum(), argnums=(0, 1))
    x_step = bench(lambda: _block(x_grad(xa, xb)[0]))  # eager jax.grad: a fresh jax.vjp per call
    rows.append(("(a*b).sum() forward", j_fwd, t_fwd, x_fwd, ""))
    rows.append(("forward+backward step", j_step, t_step, x_step, ""))
    rows.append(("backward only (step - fwd)", j_step - j_fwd, t_step - t_fwd, x_step - x_fwd, "bwd <= 3x fwd"))

    print(
        f"jax {jax.__version__} on {jax.devices()[0].platform}; torch {torch.__version__} with "
        f"torch.get_num_threads()={torch.get_num_threads()}, interop={torch.get_num_interop_threads()}; "
        f"cpus={os.cpu_count()}"
    )
    print("times are microseconds per call (median of 5 runs); jnp column for the step is eager jax.grad")
    print(f"{'case':34s} {'jtorch':>9s} {'torch':>9s} {'jnp':>9s} {'jt/jnp':>7s} {'jt/torch':>8s}  target")
    for name, j, t, x, target in rows:
        print(f"{name:34s} {j:9.1f} {t:9.1f} {x:9.1f} {j / x:7.2f} {j / t:8.2f}  {target}")
    bwd_ratio = (j_step - j_fwd) / j_fwd
    print(f"jtorch backward / forward = {bwd_ratio:.2f} (target <= 3)")


if __name__ == "__main__":
    main()
