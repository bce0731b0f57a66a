"""Three-class classification with CrossEntropyLoss, log_softmax + NLLLoss agreement, accuracy."""

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

rng = np.random.default_rng(2)
centers = np.array([[0, 0], [3, 3], [0, 3]], dtype=np.float32)
labels = rng.integers(0, 3, size=90)
X = torch.from_numpy((centers[labels] + rng.normal(scale=0.7, size=(90, 2))).astype(np.float32))
Y = torch.from_numpy(labels).long()
model = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 3))
with torch.no_grad():
    for p in model.parameters():
        p.copy_(torch.from_numpy(rng.uniform(-0.6, 0.6, size=tuple(p.shape)).astype(np.float32)))
ce = nn.CrossEntropyLoss()
opt = torch.optim.Adam(model.parameters(), lr=0.05)
for epoch in range(25):
    opt.zero_grad()
    logits = model(X)
    loss = ce(logits, Y)
    loss.backward()
    opt.step()
    if epoch % 5 == 0:
        acc = (logits.argmax(dim=1) == Y).float().mean().item()
        print(f"epoch {epoch} loss {loss.item():.5f} acc {acc:.4f}")
logits = model(X)
print("ce", ce(logits, Y).item(), "nll", F.nll_loss(F.log_softmax(logits, dim=1), Y).item())
print("label smoothing", nn.CrossEntropyLoss(label_smoothing=0.1)(logits, Y).item())
print(F.softmax(logits[:3], dim=1))
