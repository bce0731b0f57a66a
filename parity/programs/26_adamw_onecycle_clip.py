"""Gradient clipping (clip_grad_norm_ and clip_grad_value_) with AdamW and OneCycleLR stepping per batch,
a validation pass, early best-model state_dict copy, and ReduceLROnPlateau on a second model."""

import copy

import numpy as np
import torch
import torch.nn as nn

rng = np.random.default_rng(13)
X = torch.from_numpy(rng.normal(size=(64, 6)).astype(np.float32))
true_w = torch.from_numpy(rng.normal(size=(6, 1)).astype(np.float32))
Y = X @ true_w + 0.1 * torch.from_numpy(rng.normal(size=(64, 1)).astype(np.float32))
Xv, Yv = X[48:], Y[48:]
X, Y = X[:48], Y[:48]


def make_model():
    m = nn.Sequential(nn.Linear(6, 16), nn.GELU(), nn.LayerNorm(16), nn.Linear(16, 1))
    with torch.no_grad():
        for name, p in sorted(m.named_parameters()):
            if p.dim() == 2:
                p.copy_(torch.from_numpy(rng.uniform(-0.4, 0.4, tuple(p.shape)).astype(np.float32)))
            elif name.endswith("bias"):
                p.copy_(torch.from_numpy(rng.uniform(-0.1, 0.1, tuple(p.shape)).astype(np.float32)))
    return m


model = make_model()
epochs, steps_per_epoch = 4, 3
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2, weight_decay=0.05)
scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.05, epochs=epochs, steps_per_epoch=steps_per_epoch)
best, best_state = float("inf"), None
for epoch in range(epochs):
    model.train()
    for k in range(steps_per_epoch):
        xb, yb = X[k * 16 : (k + 1) * 16], Y[k * 16 : (k + 1) * 16]
        optimizer.zero_grad()
        loss = nn.functional.mse_loss(model(xb), yb)
        loss.backward()
        norm = nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
        optimizer.step()
        scheduler.step()
        print(
            f"epoch {epoch} step {k} loss {loss.item():.6f} grad-norm {norm.item():.6f} lr {scheduler.get_last_lr()[0]:.6f}"
        )
    model.eval()
    with torch.no_grad():
        val = nn.functional.mse_loss(model(Xv), Yv).item()
    if val < best:
        best, best_state = val, copy.deepcopy(model.state_dict())
    print(f"epoch {epoch} val {val:.6f} best {best:.6f}")
model.load_state_dict(best_state)
print("restored", nn.functional.mse_loss(model(Xv), Yv).item() == best)

model2 = make_model()
opt2 = torch.optim.SGD(model2.parameters(), lr=0.05, momentum=0.9)
plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(opt2, mode="min", factor=0.5, patience=1)
for epoch in range(6):
    opt2.zero_grad()
    loss = nn.functional.mse_loss(model2(X), Y)
    loss.backward()
    nn.utils.clip_grad_value_(model2.parameters(), clip_value=0.5)
    opt2.step()
    plateau.step(round(loss.item(), 1))
    print(f"plateau epoch {epoch} loss {loss.item():.6f} lr {opt2.param_groups[0]['lr']:.6f}")
