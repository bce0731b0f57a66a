"""A small CNN (Conv2d, MaxPool2d, Flatten, Linear) on synthetic 8x8 images, numpy-initialised."""

import numpy as np
import torch
import torch.nn as nn

rng = np.random.default_rng(21)
X = torch.from_numpy(rng.normal(size=(16, 1, 8, 8)).astype(np.float32))
Y = torch.from_numpy((X.numpy().mean(axis=(1, 2, 3)) > 0).astype(np.int64))
model = nn.Sequential(
    nn.Conv2d(1, 4, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(4 * 4 * 4, 2)
)
with torch.no_grad():
    for p in model.parameters():
        p.copy_(torch.from_numpy(rng.uniform(-0.3, 0.3, size=tuple(p.shape)).astype(np.float32)))
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
for epoch in range(8):
    opt.zero_grad()
    loss = nn.functional.cross_entropy(model(X), Y)
    loss.backward()
    opt.step()
    print(f"epoch {epoch} loss {loss.item():.6f}")
print(model(X[:2]).shape)
