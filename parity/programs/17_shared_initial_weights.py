"""Random initialisation (torch's default init), made comparable across backends: under
``python -m jtorch.parity`` the torch run saves the initial weights and the jtorch run loads them."""

import torch
import torch.nn as nn

try:
    from jtorch.parity import share_initial_weights
except ImportError:  # plain torch without jtorch installed: nothing to share

    def share_initial_weights(model, name="model"):
        pass


torch.manual_seed(0)
model = nn.Sequential(nn.Linear(5, 7), nn.ReLU(), nn.Linear(7, 1))
share_initial_weights(model)
x = torch.linspace(-1, 1, 50).view(10, 5)
y = x.sum(dim=1, keepdim=True) ** 2
opt = torch.optim.Adam(model.parameters(), lr=0.01)
for step in range(15):
    opt.zero_grad()
    loss = nn.functional.l1_loss(model(x), y)
    loss.backward()
    opt.step()
    print(f"step {step} loss {loss.item():.6f}")
