"""The tutorial's LinearModel regression: the (506, 1) prediction against a (506,) target broadcasts
to (506, 506) and MSELoss warns about it; the loss still trains (towards the mean)."""

import warnings

import numpy as np
import torch
import torch.nn as nn

warnings.simplefilter("always")
rng = np.random.default_rng(0)
X = torch.tensor(rng.normal(size=(506, 13)), dtype=torch.float32)
y = torch.tensor(X.numpy() @ rng.normal(size=13) + 22.5, dtype=torch.float32)


class LinearModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.zeros(13, 1))
        self.b = nn.Parameter(torch.zeros(1))

    def forward(self, x):
        return x @ self.w + self.b


model = LinearModel()
loss_fn = nn.MSELoss()
opt = torch.optim.SGD(model.parameters(), lr=0.01)
with warnings.catch_warnings(record=True) as caught:
    for step in range(40):
        opt.zero_grad()
        pred = model(X)
        loss = loss_fn(pred, y)
        loss.backward()
        opt.step()
        if step % 10 == 0:
            print(f"step {step} pred {tuple(pred.shape)} loss {loss.item():.5f}")
print("warned:", caught[0].category.__name__, str(caught[0].message).split(".")[0])
print("bias", model.b.item())
