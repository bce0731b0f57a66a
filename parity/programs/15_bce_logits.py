"""Binary classification: BCEWithLogitsLoss on logits and BCELoss on sigmoid outputs agree."""

import numpy as np
import torch
import torch.nn as nn

rng = np.random.default_rng(6)
X = torch.from_numpy(rng.normal(size=(60, 3)).astype(np.float32))
t = torch.from_numpy((X.numpy() @ np.array([1.0, -1.0, 0.5]) > 0).astype(np.float32)).unsqueeze(1)
model = nn.Linear(3, 1)
with torch.no_grad():
    model.weight.copy_(torch.tensor([[0.1, 0.1, 0.1]]))
    model.bias.zero_()
opt = torch.optim.RMSprop(model.parameters(), lr=0.05)
crit = nn.BCEWithLogitsLoss()
for epoch in range(12):
    opt.zero_grad()
    logits = model(X)
    loss = crit(logits, t)
    loss.backward()
    opt.step()
    print(f"epoch {epoch} bce-logits {loss.item():.6f} bce {nn.BCELoss()(torch.sigmoid(logits), t).item():.6f}")
pos_weight = nn.BCEWithLogitsLoss(pos_weight=torch.tensor([2.0]))(model(X), t)
print("pos_weight", pos_weight.item(), "acc", ((model(X) > 0).float() == t).float().mean().item())
