"""nn.Sequential MLP on synthetic regression data, numpy-initialised, Adam."""

import numpy as np
import torch
from torch import nn


def init_from_numpy(model, seed=0):
    rng = np.random.default_rng(seed)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.from_numpy(rng.uniform(-0.5, 0.5, size=tuple(p.shape)).astype(np.float32)))


rng = np.random.default_rng(42)
X = torch.tensor(rng.normal(size=(64, 4)), dtype=torch.float32)
y = torch.tensor(np.sin(X.numpy()).sum(axis=1, keepdims=True), dtype=torch.float32)
model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 16), nn.Tanh(), nn.Linear(16, 1))
init_from_numpy(model)
print(model)
loss_fn = nn.MSELoss()
opt = torch.optim.Adam(model.parameters(), lr=0.01)
for epoch in range(30):
    opt.zero_grad()
    loss = loss_fn(model(X), y)
    loss.backward()
    opt.step()
    if epoch % 3 == 0:
        print(f"epoch {epoch:3d}  loss {loss.item():.6f}")
print("final", loss_fn(model(X), y).item())
