"""AdamW with CosineAnnealingLR and a warmup through LambdaLR + SequentialLR."""

import numpy as np
import torch
from torch import nn, optim

rng = np.random.default_rng(5)
X = torch.from_numpy(rng.normal(size=(50, 3)).astype(np.float32))
y = torch.from_numpy((np.tanh(X.numpy()) @ np.array([[1.0], [-1.0], [0.5]])).astype(np.float32))
model = nn.Sequential(nn.Linear(3, 8), nn.GELU(), nn.Linear(8, 1))
with torch.no_grad():
    for p in model.parameters():
        p.copy_(torch.from_numpy(rng.uniform(-0.4, 0.4, size=tuple(p.shape)).astype(np.float32)))
opt = optim.AdamW(model.parameters(), lr=0.02, weight_decay=0.01)
warm = optim.lr_scheduler.LambdaLR(opt, lambda e: (e + 1) / 3)
cos = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=12)
sched = optim.lr_scheduler.SequentialLR(opt, [warm, cos], milestones=[3])
for epoch in range(15):
    opt.zero_grad()
    loss = nn.MSELoss()(model(X), y)
    loss.backward()
    opt.step()
    sched.step()
    print(f"epoch {epoch} lr {opt.param_groups[0]['lr']:.6f} loss {loss.item():.6f}")
