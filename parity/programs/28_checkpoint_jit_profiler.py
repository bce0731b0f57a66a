"""Utility namespaces real scripts import: torch.utils.checkpoint (same values and grads as a plain forward),
checkpoint_sequential, torch.jit.script/trace of a function and a module, torch.jit.is_scripting, and
torch.profiler.record_function around a step."""

import warnings

import numpy as np
import torch
import torch.nn as nn
from torch.profiler import record_function
from torch.utils.checkpoint import checkpoint, checkpoint_sequential

rng = np.random.default_rng(19)
seq = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 2))
with torch.no_grad():
    for _name, p in sorted(seq.named_parameters()):
        p.copy_(torch.from_numpy(rng.uniform(-0.5, 0.5, tuple(p.shape)).astype(np.float32)))
x = torch.from_numpy(rng.normal(size=(3, 4)).astype(np.float32)).requires_grad_()

plain = seq(x).pow(2).sum()
plain.backward()
g_plain, gx_plain = seq[0].weight.grad.clone(), x.grad.clone()
seq.zero_grad()
x.grad = None

ck = checkpoint(seq, x, use_reentrant=False).pow(2).sum()
ck.backward()
print(
    "checkpoint",
    ck.item() == plain.item(),
    torch.allclose(seq[0].weight.grad, g_plain),
    torch.allclose(x.grad, gx_plain),
)
seq.zero_grad()
out = checkpoint_sequential(seq, 2, x, use_reentrant=False)
out.sum().backward()
print("sequential", out.shape, round(seq[4].weight.grad.abs().sum().item(), 5))

with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always")
    checkpoint(seq, x.detach(), use_reentrant=True)
print("reentrant warning:", [str(m.message) for m in w][-1])


@torch.jit.script
def fused_gelu(x):
    return x * 0.5 * (1.0 + torch.erf(x / 1.41421))


print("script fn", fused_gelu(torch.tensor([0.5, -1.0])), torch.jit.is_scripting())
scripted = torch.jit.script(seq)
traced = torch.jit.trace(seq, torch.zeros(1, 4))
with torch.no_grad():
    print("script module", torch.equal(scripted(x), seq(x)), torch.equal(traced(x), seq(x)))

opt = torch.optim.SGD(seq.parameters(), lr=0.1)
for step in range(3):
    with record_function("train_step"):
        opt.zero_grad()
        loss = seq(x).pow(2).mean()
        loss.backward()
        opt.step()
    print(f"step {step} loss {loss.item():.6f}")
