"""Autograd: requires_grad, backward, accumulated gradients, no_grad, detach."""

import torch

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
w = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
y = (x * w).sum() ** 2
y.backward()
print("y", y.item())
print("x.grad", x.grad)
print("w.grad", w.grad)
z = torch.tanh(x @ w) + torch.sigmoid(x).mean()
z.backward()
print("accumulated x.grad", x.grad)
x.grad.zero_()
with torch.no_grad():
    q = x * 2
print(q.requires_grad, x.detach().requires_grad)
u = torch.tensor([[0.1, 0.2], [0.3, 0.4]], requires_grad=True)
v = (u.exp() / u.exp().sum(dim=1, keepdim=True)).log().sum()
v.backward()
print("softmax-log grad", u.grad)
g = torch.autograd.grad((x**3).sum(), x)[0]
print("autograd.grad", g)
