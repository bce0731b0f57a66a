"""Forward + backward of reference architectures on CPU: jtorch eager, jtorch compiled, torch eager.

Issue 4's benchmark: a ResNet-18-style network (BasicBlocks [2, 2, 2, 2], width 16, 3x32x32 input,
batch 16) and a 2-layer TransformerEncoder (d_model 128, 4 heads, feed-forward 256, sequence 32,
batch 16). One step is ``zero_grad(); loss = model(x).square().mean(); loss.backward()`` (no
optimizer, so the layers dominate). Both libraries start from the same weights (torch's, copied).
Variants are interleaved in rounds; the best round per variant is reported with ratios to torch.

Run: ``python benchmarks/bench_layers.py [--quick]``. torch uses one intra-op thread (stated in the
output); XLA uses its default CPU pool.
"""

from __future__ import annotations

import argparse
import os
import time

import jax
import numpy as np
import torch

import jtorch

torch.set_num_threads(1)


def resnet18(T, width=16, num_classes=10):
    nn = T.nn

    class BasicBlock(nn.Module):
        def __init__(self, inplanes, planes, stride=1):
            super().__init__()
            self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(planes)
            self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(planes)
            self.downsample = None
            if stride != 1 or inplanes != planes:
                self.downsample = nn.Sequential(
                    nn.Conv2d(inplanes, planes, 1, stride, bias=False), nn.BatchNorm2d(planes)
                )

        def forward(self, x):
            out = T.relu(self.bn1(self.conv1(x)))
            out = self.bn2(self.conv2(out))
            identity = x if self.downsample is None else self.downsample(x)
            return T.relu(out + identity)

    class ResNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(3, width, 3, 1, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(width)
            blocks, inplanes = [], width
            for i, planes in enumerate([width, 2 * width, 4 * width, 8 * width]):
                stride = 1 if i == 0 else 2
                blocks += [BasicBlock(inplanes, planes, stride), BasicBlock(planes, planes)]
                inplanes = planes
            self.layers = nn.Sequential(*blocks)
            self.fc = nn.Linear(8 * width, num_classes)

        def forward(self, x):
            x = self.layers(T.relu(self.bn1(self.conv1(x))))
            return self.fc(T.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))

    return ResNet()


def transformer(T):
    layer = T.nn.TransformerEncoderLayer(128, 4, dim_feedforward=256, dropout=0.0, batch_first=True)
    return T.nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)


def copy_weights(src, dst):
    dst.load_state_dict({k: jtorch.from_numpy(v.detach().numpy().copy()) for k, v in src.state_dict().items()})


def workload(name, build, shape, rounds, min_time):
    torch.manual_seed(0)
    tm = build(torch)
    jm = build(jtorch)
    copy_weights(tm, jm)
    x_np = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    tx, jx = torch.from_numpy(x_np), jtorch.from_numpy(x_np)

    def step(T, model, x):
        model.zero_grad()
        loss = model(x).square().mean()
        loss.backward()
        return loss

    compiled = jtorch.compile(step)

    variants = {
        "torch eager": lambda: step(torch, tm, tx),
        "jtorch eager": lambda: jax.block_until_ready(step(jtorch, jm, jx)._data),
        "jtorch compiled": lambda: jax.block_until_ready(compiled(jtorch, jm, jx)._data),
    }
    for f in variants.values():  # warm-up: compiles, first eager call of the compiled step
        for _ in range(3):
            f()
    # same numbers: one more step each from the same weights
    best = {k: 0.0 for k in variants}
    for _ in range(rounds):
        for k, f in variants.items():
            n, t0 = 0, time.perf_counter()
            while n < 2 or time.perf_counter() - t0 < min_time:
                f()
                n += 1
            best[k] = max(best[k], n / (time.perf_counter() - t0))
    loss_t = float(step(torch, tm, tx))
    loss_j = float(step(jtorch, jm, jx))
    return name, best, abs(loss_t - loss_j) / abs(loss_t)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one short round (smoke run)")
    args = parser.parse_args()
    rounds, min_time = (1, 0.05) if args.quick else (3, 2.0)
    rows = [
        workload("ResNet-18-style b16 3x32x32", resnet18, (16, 3, 32, 32), rounds, min_time),
        workload("TransformerEncoder 2x(d128,h4) b16 s32", transformer, (16, 32, 128), rounds, min_time),
    ]
    print(
        f"jax {jax.__version__} on {jax.devices()[0].platform}; torch {torch.__version__} with "
        f"torch.get_num_threads()={torch.get_num_threads()}; XLA default CPU threads; cpus={os.cpu_count()}"
    )
    print(f"{'workload':40s} {'variant':16s} {'steps/s':>9s} {'/torch':>7s}")
    for name, best, rel in rows:
        for k, v in best.items():
            print(f"{name:40s} {k:16s} {v:9.2f} {v / best['torch eager']:7.2f}")
        print(f"{name:40s} loss rel. diff jtorch vs torch after the runs: {rel:.1e}")


if __name__ == "__main__":
    main()
