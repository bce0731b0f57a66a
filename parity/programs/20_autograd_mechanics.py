"""Autograd mechanics: requires_grad, leaf/non-leaf, retain_grad, tensor hooks, no_grad, detach,
gradient accumulation, torch.autograd.grad with create_graph (second derivatives), backward on non-scalars."""

import torch

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
w = torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]], requires_grad=True)
b = torch.tensor([0.1, -0.2], requires_grad=True)
z = torch.matmul(w, x) + b
print("z", z, z.requires_grad, z.is_leaf, x.is_leaf)
z.retain_grad()
h = z.register_hook(lambda g: g * 2)
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, torch.tensor([1.0, 0.0]))
loss.backward()
print("loss", round(loss.item(), 6))
print("w.grad", w.grad)
print("b.grad", b.grad)
print("z.grad", z.grad)
h.remove()

with torch.no_grad():
    z2 = torch.matmul(w, x) + b
print("no_grad requires_grad", z2.requires_grad)
z_det = z.detach()
print("detach requires_grad", z_det.requires_grad)

# accumulation across two backward calls, then zeroing
x.grad = None
for _ in range(2):
    (x**2).sum().backward()
print("accumulated", x.grad)
x.grad.zero_()

# non-scalar backward with a gradient argument
y = x * 3
y.backward(torch.tensor([1.0, 0.1, 0.01]))
print("vector-Jacobian", x.grad)

# second derivative with create_graph
t = torch.tensor(1.5, requires_grad=True)
f = t**3 + torch.sin(t)
(g,) = torch.autograd.grad(f, t, create_graph=True)
(g2,) = torch.autograd.grad(g, t)
print("f' {:.6f} f'' {:.6f}".format(g.item(), g2.item()))

# retain_graph: backward twice through the same graph
u = torch.tensor([0.3, 0.7], requires_grad=True)
v = (u.exp() * u).sum()
v.backward(retain_graph=True)
first = u.grad.clone()
v.backward()
print("twice", first, u.grad)
try:
    v.backward()
    v.backward()
except RuntimeError as e:
    print("error:", str(e).split(".")[0])

# requires_grad_ on a leaf, and set_grad_enabled
p = torch.ones(2)
p.requires_grad_()
with torch.set_grad_enabled(False):
    q = p * 2
print(q.requires_grad, (p * 2).requires_grad, torch.is_grad_enabled())
print(z.grad_fn.name(), loss.grad_fn.name())
