"""SGD with momentum, nesterov and weight decay under a StepLR schedule."""

import numpy as np
import torch
import torch.nn as nn
from torch.optim.lr_scheduler import StepLR

rng = np.random.default_rng(3)
X = torch.from_numpy(rng.normal(size=(40, 5)).astype(np.float32))
y = torch.from_numpy((X.numpy() @ rng.normal(size=(5, 2))).astype(np.float32))
model = nn.Linear(5, 2)
with torch.no_grad():
    model.weight.copy_(torch.from_numpy(rng.normal(size=(2, 5)).astype(np.float32)) * 0.1)
    model.bias.fill_(0.0)
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-4)
sched = StepLR(opt, step_size=5, gamma=0.5)
for epoch in range(20):
    opt.zero_grad()
    loss = nn.functional.mse_loss(model(X), y)
    loss.backward()
    opt.step()
    sched.step()
    print(f"epoch {epoch} lr {sched.get_last_lr()[0]:.5f} loss {loss.item():.6f}")
