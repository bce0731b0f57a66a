"""TensorBoard: SummaryWriter() with its default runs/ directory, scalars per step."""

import numpy as np
import torch
from torch import nn
from torch.utils.tensorboard import SummaryWriter

rng = np.random.default_rng(11)
X = torch.from_numpy(rng.normal(size=(30, 2)).astype(np.float32))
y = (X[:, :1] * 3 - X[:, 1:] + 1).clone()
model = nn.Linear(2, 1)
with torch.no_grad():
    model.weight.zero_()
    model.bias.zero_()
opt = torch.optim.SGD(model.parameters(), lr=0.1)
writer = SummaryWriter()
for step in range(15):
    opt.zero_grad()
    loss = nn.functional.mse_loss(model(X), y)
    loss.backward()
    opt.step()
    writer.add_scalar("Loss/train", loss.item(), step)
    writer.add_scalar("weight/0", model.weight[0, 0].item(), step)
    writer.add_scalars("params", {"w1": model.weight[0, 1].item(), "b": model.bias.item()}, step)
writer.close()
print("final loss", loss.item())
