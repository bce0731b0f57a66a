"""Per-layer learning rates through param groups, Adagrad, chained ExponentialLR + MultiStepLR."""

import numpy as np
import torch
import torch.nn as nn
from torch.optim.lr_scheduler import ExponentialLR, MultiStepLR

rng = np.random.default_rng(12)
X = torch.from_numpy(rng.normal(size=(32, 4)).astype(np.float32))
y = torch.from_numpy(rng.normal(size=(32, 2)).astype(np.float32))
body, head = nn.Linear(4, 8), nn.Linear(8, 2)
with torch.no_grad():
    for p in [*body.parameters(), *head.parameters()]:
        p.copy_(torch.from_numpy(rng.uniform(-0.3, 0.3, size=tuple(p.shape)).astype(np.float32)))
opt = torch.optim.Adagrad([{"params": body.parameters()}, {"params": head.parameters(), "lr": 0.05}], lr=0.01)
s1 = ExponentialLR(opt, gamma=0.9)
s2 = MultiStepLR(opt, milestones=[4, 7], gamma=0.5)
for epoch in range(10):
    opt.zero_grad()
    loss = nn.functional.smooth_l1_loss(head(torch.relu(body(X))), y)
    loss.backward()
    opt.step()
    s1.step()
    s2.step()
    print(f"epoch {epoch} lrs {[round(g['lr'], 6) for g in opt.param_groups]} loss {loss.item():.6f}")
