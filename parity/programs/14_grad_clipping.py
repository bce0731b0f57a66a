"""Gradient clipping: clip_grad_norm_ (returns the total norm) and clip_grad_value_ in a training loop."""

import numpy as np
import torch
import torch.nn as nn

rng = np.random.default_rng(8)
X = torch.from_numpy(rng.normal(scale=5.0, size=(24, 4)).astype(np.float32))
y = torch.from_numpy(rng.normal(scale=10.0, size=(24, 1)).astype(np.float32))
model = nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 1))
with torch.no_grad():
    for p in model.parameters():
        p.copy_(torch.from_numpy(rng.normal(size=tuple(p.shape)).astype(np.float32)))
opt = torch.optim.SGD(model.parameters(), lr=0.01)
for step in range(10):
    opt.zero_grad()
    loss = nn.functional.mse_loss(model(X), y)
    loss.backward()
    total = nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
    if step % 2:
        nn.utils.clip_grad_value_(model.parameters(), clip_value=0.05)
    opt.step()
    print(f"step {step} loss {loss.item():.5f} grad norm {total.item():.5f}")
print(model[0].weight.grad.abs().max())
