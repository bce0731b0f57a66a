"""The main job: train an MLP classifier on scikit-learn's bundled 8x8 digits, PyTorch-style.

Everything below is plain PyTorch code; only the import differs. Run it under real PyTorch by
changing the first import to ``import torch`` (the numbers will differ: the random streams do).

    python examples/train_digits.py [--epochs N]
"""

import argparse

import numpy as np
from sklearn.datasets import load_digits

import jtorch as torch
import jtorch.nn as nn
from jtorch.utils.data import DataLoader, Dataset


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
        self.net = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10))

    def forward(self, x):
        return self.net(x)


def main(epochs: int = 10, seed: int = 0) -> float:
    torch.manual_seed(seed)
    digits = load_digits()
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(digits.target))
    train_idx, test_idx = order[:1500], order[1500:]
    train = DataLoader(Digits(digits.data[train_idx], digits.target[train_idx]), batch_size=64, shuffle=True)
    test = DataLoader(Digits(digits.data[test_idx], digits.target[test_idx]), batch_size=256)

    model = MLP()
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=5, gamma=0.5)
    print(model)

    accuracy = 0.0
    for epoch in range(epochs):
        model.train()
        total, count = 0.0, 0
        for x, y in train:
            optimizer.zero_grad()
            loss = criterion(model(x), y)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(y)
            count += len(y)
        scheduler.step()
        model.eval()
        correct = 0
        with torch.no_grad():
            for x, y in test:
                correct += (model(x).argmax(dim=1) == y).sum().item()
        accuracy = correct / len(test_idx)
        print(f"epoch {epoch + 1}: loss {total / count:.4f}  test accuracy {accuracy:.3f}  lr {scheduler.get_last_lr()[0]:.4g}")
    return accuracy


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    args = parser.parse_args()
    acc = main(args.epochs)
    if acc < 0.9:
        raise SystemExit(f"test accuracy {acc:.3f} is below 0.9")
