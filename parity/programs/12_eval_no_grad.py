"""train()/eval() modes and evaluation under torch.no_grad (dropout off in eval: deterministic)."""

import numpy as np
import torch
from torch import nn

rng = np.random.default_rng(4)
model = nn.Sequential(nn.Linear(6, 10), nn.ReLU(), nn.Dropout(0.5), nn.Linear(10, 2))
with torch.no_grad():
    for p in model.parameters():
        p.copy_(torch.from_numpy(rng.normal(scale=0.3, size=tuple(p.shape)).astype(np.float32)))
X = torch.from_numpy(rng.normal(size=(16, 6)).astype(np.float32))
print("training", model.training, model[2].training)
model.eval()
print("after eval()", model.training, model[2].training)
with torch.no_grad():
    out = model(X)
print(out.requires_grad, out.sum().item())
print(out[:2])
with torch.inference_mode():
    print("inference_mode", model(X).mean().item())
model.train()
out = model(X)
print("train mode keeps grad", out.requires_grad)
