"""The main job: train a digit classifier on scikit-learn's bundled 8x8 digits, PyTorch-style.

Everything below is plain PyTorch code on jtorch: a Dataset and DataLoader (``--workers N`` for worker processes),
an MLP with dropout, CrossEntropyLoss, Adam with a StepLR schedule, the training step compiled into one XLA
program with ``torch.compile``, TensorBoard logging (loss, accuracy, weight histograms, the
graph) and a checkpoint every epoch that ``--resume`` continues from.

    python examples/train_digits.py [--epochs N] [--workers N] [--logdir DIR] [--resume]

Under real PyTorch, change the jtorch imports to torch (numbers differ: the random streams do).
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np
from sklearn.datasets import load_digits

import jtorch as torch
import jtorch.nn as nn
from jtorch.utils.data import DataLoader, Dataset
from jtorch.utils.tensorboard import SummaryWriter


class Digits(Dataset):
    def __init__(self, images, labels):
        self.images = images.astype(np.float32) / 16.0
        self.labels = labels.astype(np.int64)

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        return self.images[i], self.labels[i]


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(64, 256), nn.ReLU(), nn.Dropout(0.1), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10)
        )

    def forward(self, x):
        return self.net(x)


def progress(epoch: int, epochs: int, done: int, total: int, loss: float) -> None:
    width = 30
    filled = width * done // total
    sys.stdout.write(
        f"\repoch {epoch}/{epochs} [{'#' * filled}{'.' * (width - filled)}] {done}/{total} loss {loss:.4f}"
    )
    sys.stdout.flush()


def main(epochs: int = 15, workers: int = 0, logdir: str = "runs/digits", resume: bool = False, seed: int = 0) -> float:
    torch.manual_seed(seed)
    digits = load_digits()
    order = np.random.default_rng(seed).permutation(len(digits.target))
    train_idx, test_idx = order[:1500], order[1500:]
    train_set = Digits(digits.data[train_idx], digits.target[train_idx])
    test_set = Digits(digits.data[test_idx], digits.target[test_idx])
    train = DataLoader(train_set, batch_size=64, shuffle=True, num_workers=workers, drop_last=True)
    test = DataLoader(test_set, batch_size=256)

    model = MLP()
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=5, gamma=0.5)
    os.makedirs(logdir, exist_ok=True)
    ckpt_path = os.path.join(logdir, "checkpoint.pt")
    start = 0
    if resume and os.path.exists(ckpt_path):
        ckpt = torch.load(ckpt_path)
        model.load_state_dict(ckpt["model"])
        optimizer.load_state_dict(ckpt["optimizer"])
        scheduler.load_state_dict(ckpt["scheduler"])
        start = ckpt["epoch"]
        print(f"resumed from {ckpt_path} at epoch {start}")

    @torch.compile
    def train_step(x, y):
        optimizer.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        optimizer.step()
        return loss

    writer = SummaryWriter(logdir)
    writer.add_graph(model, torch.zeros(1, 64))
    accuracy, t0 = 0.0, time.time()
    for epoch in range(start, epochs):
        model.train()
        total, count = 0.0, 0
        for k, (x, y) in enumerate(train):
            loss = train_step(x, y)
            total += loss.item() * len(y)
            count += len(y)
            progress(epoch + 1, epochs, k + 1, len(train), total / count)
        scheduler.step()
        model.eval()
        correct = 0
        with torch.no_grad():
            for x, y in test:
                correct += (model(x).argmax(dim=1) == y).sum().item()
        accuracy = correct / len(test_set)
        writer.add_scalar("loss/train", total / count, epoch)
        writer.add_scalar("accuracy/test", accuracy, epoch)
        for name, p in model.named_parameters():
            writer.add_histogram(name, p, epoch)
        torch.save(
            {
                "epoch": epoch + 1,
                "model": model.state_dict(),
                "optimizer": optimizer.state_dict(),
                "scheduler": scheduler.state_dict(),
            },
            ckpt_path,
        )
        print(f"  test accuracy {accuracy:.3f}  lr {scheduler.get_last_lr()[0]:.2e}  {time.time() - t0:.1f}s")
    writer.close()
    print(f"TensorBoard: tensorboard --logdir {logdir}")
    return accuracy


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument(
        "--workers", type=int, default=0, help="DataLoader worker processes (spawned; each imports jtorch)"
    )
    parser.add_argument("--logdir", default="runs/digits")
    parser.add_argument("--resume", action="store_true")
    args = parser.parse_args()
    acc = main(args.epochs, args.workers, args.logdir, args.resume)
    if args.epochs >= 10 and acc < 0.95:
        raise SystemExit(f"test accuracy {acc:.3f} is below 0.95")
