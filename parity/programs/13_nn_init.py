"""Weight initialisation with nn.init's deterministic initialisers and Module.apply."""

import torch
import torch.nn as nn


def init_weights(m):
    if isinstance(m, nn.Linear):
        nn.init.constant_(m.weight, 0.1)
        nn.init.zeros_(m.bias)


model = nn.Sequential(nn.Linear(4, 3), nn.Sigmoid(), nn.Linear(3, 2))
model.apply(init_weights)
print(model[0].weight, model[2].bias)
nn.init.eye_(model[0].weight)
nn.init.ones_(model[2].weight)
x = torch.arange(8.0).view(2, 4)
print(model(x))
print("gain relu", nn.init.calculate_gain("relu"), "tanh", nn.init.calculate_gain("tanh"))
w = torch.empty(3, 5)
nn.init.dirac_(torch.empty(2, 2, 3))
print(nn.init.constant_(w, -0.5).sum())
