"""A custom nn.Module with nn.Parameter, named_parameters, a buffer and an SGD loop."""

import numpy as np
import torch
import torch.nn as nn


class Affine(nn.Module):
    def __init__(self, n):
        super().__init__()
        rng = np.random.default_rng(0)
        self.weight = nn.Parameter(torch.from_numpy(rng.normal(size=(n,)).astype(np.float32)))
        self.bias = nn.Parameter(torch.zeros(1))
        self.register_buffer("scale", torch.tensor(2.0))

    def forward(self, x):
        return (x * self.weight).sum(dim=1) * self.scale + self.bias


model = Affine(3)
print(model)
for name, p in model.named_parameters():
    print(name, tuple(p.shape), p.requires_grad)
print(list(model.state_dict().keys()))
rng = np.random.default_rng(1)
X = torch.from_numpy(rng.normal(size=(32, 3)).astype(np.float32))
y = X @ torch.tensor([1.0, -2.0, 0.5]) + 0.3
opt = torch.optim.SGD(model.parameters(), lr=0.05)
for epoch in range(20):
    opt.zero_grad()
    loss = ((model(X) - y) ** 2).mean()
    loss.backward()
    opt.step()
    print(f"epoch {epoch} loss {loss.item():.6f}")
print(model.weight.data, model.bias.data)
