"""DataLoader throughput, jtorch against torch, in one run (samples/s).

    python benchmarks/bench_data.py [--quick] [--epochs N]

Cases (issue 8): 60,000 in-memory samples of shape (1, 28, 28) with int labels (TensorDataset),
batch 128, shuffled, with 0 and 2 workers; and a map-style dataset whose __getitem__ does about
1 ms of Python work, with 0 and 2 workers; and the in-memory samples behind a plain
``__getitem__`` (no TensorDataset fast path). Each loader runs several epochs: "first" is epoch 1
(worker start-up and compilation included), "steady" the mean rate of the later epochs. The
2-worker cases run with persistent_workers False and True in both libraries.

Both libraries draw one random number before the first case, as a program that has built its model
has: jtorch's first draw compiles its generator's key programs (about 0.2 s, once per process),
which is not the loader's cost. The first loader with workers starts jtorch's fork server (one
jtorch import, about 2 s, once per process; ``DataLoader(...)`` starts it, so in a program it
overlaps building the model): see the "numpy __getitem__ 2w" first epoch.

Threads: torch.set_num_threads(1); workers are processes in both libraries (torch forks them,
jtorch forks them from a fork server that preloads jtorch). torch is imported inside main() only,
so jtorch's worker processes, which import this script, do not import it (as in a jtorch program).
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

import jtorch
import jtorch.utils.data as jud


class Busy:
    """About 1 ms of pure-Python work per sample (a plain map-style dataset both libraries take)."""

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


class Images:
    """The in-memory samples behind a plain __getitem__ (no TensorDataset fast path): per-sample
    Python, collation and transfer from the workers, as in most user datasets."""

    def __init__(self, images, labels):
        self.images, self.labels = images, labels

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        return self.images[i], int(self.labels[i])


def rates(loader, n_samples, epochs) -> tuple[float, float]:
    """(first-epoch samples/s, mean samples/s of the later epochs)."""
    times = []
    for _ in range(epochs):
        t0 = time.perf_counter()
        seen = 0
        for x, _y in loader:
            seen += len(x)
        assert seen == n_samples, (seen, n_samples)
        times.append(time.perf_counter() - t0)
    return n_samples / times[0], n_samples * (epochs - 1) / sum(times[1:])


def main():
    import torch
    import torch.utils.data as tud

    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--only", default="", help="run only the cases whose name contains this")
    args = ap.parse_args()
    torch.set_num_threads(1)
    print(f"cpus={os.cpu_count()} load={os.getloadavg()[0]:.1f} torch threads=1 epochs={args.epochs}")
    torch.manual_seed(0), torch.rand(1)
    jtorch.manual_seed(0), jtorch.rand(1)
    n = 12_000 if args.quick else 60_000
    rng = np.random.default_rng(0)
    images = rng.standard_normal((n, 1, 28, 28)).astype(np.float32)
    labels = rng.integers(0, 10, n)
    t_ds = tud.TensorDataset(torch.from_numpy(images), torch.from_numpy(labels))
    j_ds = jud.TensorDataset(jtorch.from_numpy(images), jtorch.from_numpy(labels))
    m = 600 if args.quick else 2000
    cases = []
    configs = ((0, False), (2, False), (2, True))  # (num_workers, persistent_workers)
    for w, p in configs:
        kw = dict(num_workers=w, persistent_workers=p)
        cases.append((f"in-memory {n}x1x28x28, {w}w{' persistent' * p}", n, t_ds, j_ds, 128, True, kw))
    for w, p in configs:
        kw = dict(num_workers=w, persistent_workers=p)
        t_im, j_im = Images(images, labels), Images(images, labels)
        cases.append((f"numpy __getitem__ {n}, {w}w{' persistent' * p}", n, t_im, j_im, 128, True, kw))
    for w, p in configs:
        kw = dict(num_workers=w, persistent_workers=p)
        cases.append((f"1 ms/sample Python {m}, {w}w{' persistent' * p}", m, Busy(m), Busy(m), 32, False, kw))
    only = args.only
    head = f"{'case':42s} {'torch first':>11s} {'jtorch first':>12s} {'ratio':>5s}"
    print(f"{head}  {'torch steady':>12s} {'jtorch steady':>13s} {'ratio':>5s}")
    for name, count, tds, jds, bs, shuffle, kw in cases:
        if only not in name:
            continue
        tf, ts = rates(tud.DataLoader(tds, batch_size=bs, shuffle=shuffle, **kw), count, args.epochs)
        jf, js = rates(jud.DataLoader(jds, batch_size=bs, shuffle=shuffle, **kw), count, args.epochs)
        print(f"{name:42s} {tf:11.0f} {jf:12.0f} {jf / tf:5.2f}  {ts:12.0f} {js:13.0f} {js / ts:5.2f}", flush=True)


if __name__ == "__main__":
    main()
