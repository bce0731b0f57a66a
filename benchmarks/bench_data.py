"""DataLoader throughput, jtorch against torch, in one run (samples/s, worker start-up included).

    python benchmarks/bench_data.py [--quick]

Cases (issue 8): 60,000 in-memory samples of shape (1, 28, 28) with int labels (TensorDataset),
batch 128, shuffled, with 0 and 2 workers; and a map-style dataset whose __getitem__ does about
1 ms of Python work. Threads: torch.set_num_threads(1); workers are processes in both libraries.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch
import torch.utils.data as tud

import jtorch
import jtorch.utils.data as jud


class Busy:
    """About 1 ms of pure-Python work per sample."""

    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        t0 = time.perf_counter()
        acc = 0
        while time.perf_counter() - t0 < 1e-3:
            acc += 1
        return np.full((4,), i, np.float32), i


class JBusy(Busy, jud.Dataset):
    pass


class TBusy(Busy, tud.Dataset):
    pass


def epoch_rate(loader, n_samples) -> float:
    t0 = time.perf_counter()
    seen = 0
    for x, _y in loader:
        seen += len(x)
    assert seen == n_samples, (seen, n_samples)
    return seen / (time.perf_counter() - t0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(1)
    n = 12_000 if args.quick else 60_000
    rng = np.random.default_rng(0)
    images = rng.standard_normal((n, 1, 28, 28)).astype(np.float32)
    labels = rng.integers(0, 10, n)
    t_ds = tud.TensorDataset(torch.from_numpy(images), torch.from_numpy(labels))
    j_ds = jud.TensorDataset(jtorch.from_numpy(images), jtorch.from_numpy(labels))
    print(f"{'case':40s} {'torch':>10s} {'jtorch':>10s}  ratio")
    for workers in (0, 2):
        t = epoch_rate(tud.DataLoader(t_ds, batch_size=128, shuffle=True, num_workers=workers), n)
        j = epoch_rate(jud.DataLoader(j_ds, batch_size=128, shuffle=True, num_workers=workers), n)
        print(f"{f'in-memory {n}x1x28x28, {workers} workers':40s} {t:10.0f} {j:10.0f}  {j / t:5.2f}")
    m = 600 if args.quick else 2000
    for workers in (0, 2):
        t = epoch_rate(tud.DataLoader(TBusy(m), batch_size=32, num_workers=workers), m)
        j = epoch_rate(jud.DataLoader(JBusy(m), batch_size=32, num_workers=workers), m)
        print(f"{f'1 ms/sample Python, {workers} workers':40s} {t:10.0f} {j:10.0f}  {j / t:5.2f}")


if __name__ == "__main__":
    main()
