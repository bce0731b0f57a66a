"""Save and load a state_dict, a full checkpoint with the optimizer, and resume training."""

import numpy as np
import torch
import torch.nn as nn


def make_model():
    m = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    rng = np.random.default_rng(0)
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(torch.from_numpy(rng.normal(scale=0.5, size=tuple(p.shape)).astype(np.float32)))
    return m


rng = np.random.default_rng(9)
X = torch.from_numpy(rng.normal(size=(20, 3)).astype(np.float32))
y = X.sum(dim=1, keepdim=True)


def train(model, opt, steps):
    for _ in range(steps):
        opt.zero_grad()
        loss = nn.functional.mse_loss(model(X), y)
        loss.backward()
        opt.step()
    return loss.item()


model = make_model()
opt = torch.optim.Adam(model.parameters(), lr=0.01)
print("loss after 5", round(train(model, opt, 5), 6))
torch.save(model.state_dict(), "weights.pt")
torch.save({"epoch": 5, "model": model.state_dict(), "optimizer": opt.state_dict()}, "ckpt.pt")
fresh = make_model()
fresh.load_state_dict(torch.load("weights.pt"))
print("same weights", all(torch.equal(a, b) for a, b in zip(model.parameters(), fresh.parameters())))
ckpt = torch.load("ckpt.pt")
resumed = make_model()
ropt = torch.optim.Adam(resumed.parameters(), lr=0.01)
resumed.load_state_dict(ckpt["model"])
ropt.load_state_dict(ckpt["optimizer"])
print("epoch", ckpt["epoch"], "state steps", ropt.state_dict()["state"][0]["step"])
print("continued", round(train(model, opt, 5), 6), "resumed", round(train(resumed, ropt, 5), 6))
