"""Hooks and module utilities: forward (pre) hooks that record or change activations, full backward (pre) hooks,
Tensor.register_hook / retain_grad, the non-leaf .grad warning; ModuleDict, ParameterList/Dict, buffers
(persistent=False), apply(init_fn), named_modules/parameters, freezing with requires_grad_(False),
parameters_to_vector, load_state_dict(strict=False) with missing/unexpected keys."""

import warnings

import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils import parameters_to_vector, vector_to_parameters

rs = np.random.RandomState(1)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 8)
        self.act = nn.ReLU()
        self.fc2 = nn.Linear(8, 3)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


net = Net()
with torch.no_grad():
    for p in net.parameters():
        p.copy_(torch.from_numpy(rs.randn(*p.shape).astype(np.float32) * 0.5))

acts = {}


def save_act(name):
    def hook(module, inp, out):
        acts[name] = out.detach()

    return hook


handles = [m.register_forward_hook(save_act(n)) for n, m in net.named_modules() if isinstance(m, nn.Linear)]


def pre(module, args):
    print("pre hook", type(module).__name__, args[0].shape)
    return (args[0] * 2,)


hp = net.fc1.register_forward_pre_hook(pre)


def modify_out(module, inp, out):
    return out + 1


hm = net.act.register_forward_hook(modify_out)
x = torch.from_numpy(rs.randn(5, 4).astype(np.float32))
y = net(x)
print("out", y.sum().item())
for k, v in acts.items():
    print("act", k, v.shape, round(v.mean().item(), 5))
hp.remove()
hm.remove()
for h in handles:
    h.remove()
print("after remove", net(x).sum().item(), len(acts))

grads = {}


def bhook(module, grad_input, grad_output):
    grads[type(module).__name__] = (
        [None if g is None else tuple(g.shape) for g in grad_input],
        [tuple(g.shape) for g in grad_output],
        round(grad_output[0].abs().sum().item(), 5),
    )


bh = net.fc2.register_full_backward_hook(bhook)
bh2 = net.act.register_full_backward_hook(bhook)
xr = x.clone().requires_grad_(True)
net(xr).pow(2).sum().backward()
print("backward hooks", sorted(grads.items()))
bh.remove()
bh2.remove()


def scale_grad(module, grad_input, grad_output):
    return (grad_input[0] * 0.5,)


net.zero_grad()
h = net.fc2.register_full_backward_hook(scale_grad)
xr = x.clone().requires_grad_(True)
net(xr).sum().backward()
print("scaled fc1 grad", net.fc1.weight.grad.sum().item(), xr.grad.sum().item())
h.remove()


# backward pre hook
def bpre(module, grad_output):
    return (grad_output[0] * 3,)


net.zero_grad()
h = net.fc2.register_full_backward_pre_hook(bpre)
net(x).sum().backward()
print("bpre fc2 grad", net.fc2.weight.grad.sum().item(), net.fc1.weight.grad.sum().item())
h.remove()

# tensor hooks
w = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
w.register_hook(lambda g: g.clamp(-0.5, 0.5))
h = (w * w).sum()
h.backward()
print("clamped grad", w.grad)
mid = w * 2
mid.retain_grad()
mid.register_hook(lambda g: print("mid hook sees", g))
(mid**3).sum().backward()
print("mid grad", mid.grad, "w grad", w.grad)
print("mid is_leaf", mid.is_leaf, mid.retains_grad, w.retains_grad)

# gradient clipping via hooks on all params
for p in net.parameters():
    p.register_hook(lambda g: torch.clamp(g, -0.01, 0.01))
net.zero_grad(set_to_none=True)
net(x).pow(2).sum().backward()
print("clipped max", max(p.grad.abs().max().item() for p in net.parameters()))


# forward hook with kwargs
def kw_hook(module, args, kwargs, out):
    print("kw hook", list(kwargs.keys()))
    return None


class K(nn.Module):
    def forward(self, x, scale=1.0):
        return x * scale


k = K()
k.register_forward_hook(kw_hook, with_kwargs=True)
print(k(torch.ones(2), scale=3.0))
k.register_forward_pre_hook(lambda m, a, kw: (a, {"scale": 10.0}), with_kwargs=True)
print(k(torch.ones(2), scale=3.0))

# grad of non-leaf without retain_grad warns and gives None
q = w * 1
(q.sum()).backward()
with warnings.catch_warnings(record=True) as rec:
    warnings.simplefilter("always")
    print("nonleaf grad", q.grad)
    print("warned", len(rec) > 0, rec[0].category.__name__ if rec else None)

# --- module utilities ---

rs = np.random.RandomState(2)


class Block(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.heads = nn.ModuleDict({"a": nn.Linear(d, d), "b": nn.Linear(d, d, bias=False)})
        self.scales = nn.ParameterList([nn.Parameter(torch.ones(d)) for _ in range(2)])
        self.extra = nn.ParameterDict({"gain": nn.Parameter(torch.full((d,), 0.5))})
        self.register_buffer("running", torch.zeros(d))
        self.register_buffer("tmp", torch.arange(d, dtype=torch.float32), persistent=False)

    def forward(self, x):
        h = self.heads["a"](x) * self.scales[0] + self.heads["b"](x) * self.scales[1]
        self.running.mul_(0.9).add_(0.1 * h.detach().mean(0))
        return h * self.extra["gain"] + self.tmp


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Linear(3, 4)
        self.blocks = nn.ModuleList([Block(4) for _ in range(2)])
        self.norm = nn.LayerNorm(4)
        self.head = nn.Sequential(nn.Linear(4, 4), nn.Tanh(), nn.Linear(4, 2))

    def forward(self, x):
        x = self.embed(x)
        for b in self.blocks:
            x = b(x)
        return self.head(self.norm(x))


model = Model()


def init_weights(m):
    if isinstance(m, nn.Linear):
        with torch.no_grad():
            m.weight.copy_(torch.from_numpy(rs.randn(*m.weight.shape).astype(np.float32) * 0.3))
            if m.bias is not None:
                nn.init.constant_(m.bias, 0.01)
    elif isinstance(m, nn.LayerNorm):
        nn.init.ones_(m.weight)
        nn.init.zeros_(m.bias)


print(model.apply(init_weights) is model)
for name, m in model.named_modules():
    print("module", repr(name), type(m).__name__)
for name, p in model.named_parameters():
    print("param", name, tuple(p.shape), p.requires_grad)
for name, b in model.named_buffers():
    print("buffer", name, tuple(b.shape))
print("state keys", list(model.state_dict().keys()))
print("children", [n for n, _ in model.named_children()])
print(
    "num params",
    sum(p.numel() for p in model.parameters()),
    sum(p.numel() for p in model.parameters() if p.requires_grad),
)
print(model.blocks[0])
print(model.head)
print("get_submodule", model.get_submodule("blocks.1.heads.a"))
print("get_parameter", model.get_parameter("blocks.0.scales.1").shape)

x = torch.from_numpy(rs.randn(5, 3).astype(np.float32))
y = model(x)
print("out", y.sum().item())
print("running", model.blocks[0].running)

# freeze embed and blocks[0]
model.embed.requires_grad_(False)
for p in model.blocks[0].parameters():
    p.requires_grad = False
print("trainable", [n for n, p in model.named_parameters() if p.requires_grad])
opt = torch.optim.SGD(filter(lambda p: p.requires_grad, model.parameters()), lr=0.1)
for step in range(3):
    opt.zero_grad()
    loss = model(x).pow(2).mean()
    loss.backward()
    opt.step()
    print("step", step, round(loss.item(), 6), model.embed.weight.grad is None)

vec = parameters_to_vector(model.parameters())
print("vec", vec.shape, round(vec.sum().item(), 4))
vector_to_parameters(vec * 0.5, model.parameters())
print("halved", round(parameters_to_vector(model.parameters()).sum().item(), 4))

sd = model.state_dict()
sd2 = {k: v.clone() for k, v in sd.items() if not k.startswith("head.2")}
sd2["bogus.weight"] = torch.zeros(1)
res = model.load_state_dict(sd2, strict=False)
print("missing", res.missing_keys)
print("unexpected", res.unexpected_keys)
print(res)
try:
    model.load_state_dict(sd2)
except RuntimeError as e:
    print("strict error", str(e).splitlines()[0])
bad = dict(sd)
bad["norm.weight"] = torch.zeros(5)
try:
    model.load_state_dict(bad)
except RuntimeError as e:
    print("shape error", str(e))

m2 = Model()
m2.load_state_dict(model.state_dict())
print("same", all(torch.equal(a, b) for a, b in zip(model.state_dict().values(), m2.state_dict().values())))
print("tmp not in sd", "blocks.0.tmp" in model.state_dict())
model.eval()
print("training", model.training, model.blocks[0].training)
model.train()
print(model.blocks[1].extra)
print(model.blocks[1].scales)
del model.blocks[1].heads["b"]
print("after del", list(model.blocks[1].heads.keys()))
model.blocks.append(nn.Identity())
print(len(model.blocks), type(model.blocks[-1]).__name__)
print("zero_grad none", model.head[0].weight.grad is None)
model.zero_grad()
print("zero_grad none", model.head[0].weight.grad)
sd = model.state_dict()
print(type(sd).__name__, sd["blocks.0.running"].requires_grad)
