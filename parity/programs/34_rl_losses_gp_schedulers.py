"""REINFORCE with Categorical (log_prob, entropy) over a fixed action sequence, a custom loss from
torch.nn.functional pieces (label-smoothed weighted cross_entropy, kl_div with log_target,
cosine_embedding_loss, triplet_margin_loss, smooth_l1 with beta), a WGAN-GP gradient penalty through
torch.autograd.grad(create_graph=True), third derivatives, and chained LR schedulers (LambdaLR + MultiStepLR,
ReduceLROnPlateau, CosineAnnealingWarmRestarts) printing get_last_lr()."""

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Categorical
from torch.optim.lr_scheduler import CosineAnnealingWarmRestarts, LambdaLR, MultiStepLR, ReduceLROnPlateau

rs = np.random.RandomState(3)


def fill(model, scale=0.3):
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.from_numpy(rs.randn(*p.shape).astype(np.float32) * scale))


# --- REINFORCE ---------------------------------------------------------------------------------------------
policy = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 2), nn.Softmax(dim=1))
fill(policy)
optimizer = torch.optim.Adam(policy.parameters(), lr=1e-2)
eps = np.finfo(np.float32).eps.item()
states = rs.randn(3, 6, 4).astype(np.float32)
actions = rs.randint(0, 2, size=(3, 6))
rewards = rs.rand(3, 6).astype(np.float32)
for ep in range(2):
    log_probs, ents, R, returns = [], [], 0.0, []
    for t in range(6):
        m = Categorical(policy(torch.from_numpy(states[ep, t]).unsqueeze(0)))
        log_probs.append(m.log_prob(torch.tensor([int(actions[ep, t])])))
        ents.append(m.entropy())
    for r in rewards[ep][::-1]:
        R = float(r) + 0.99 * R
        returns.insert(0, R)
    returns = torch.tensor(returns)
    returns = (returns - returns.mean()) / (returns.std() + eps)
    loss = torch.cat([-lp * g for lp, g in zip(log_probs, returns)]).sum() - 0.01 * torch.cat(ents).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    print(f"episode {ep} loss {loss.item():.5f} entropy {torch.cat(ents).mean().item():.5f}")
d = Categorical(logits=torch.tensor([[1.0, 2.0, 0.5], [0.1, 0.1, 3.0]]))
print("categorical", d.log_prob(torch.tensor([1, 2])), d.entropy(), d.probs.sum(-1), d.batch_shape)

# --- custom loss ---------------------------------------------------------------------------------------------
logits = torch.from_numpy(rs.randn(6, 4).astype(np.float32)).requires_grad_()
target = torch.tensor([0, 3, 1, 1, 2, 0])
w = torch.tensor([1.0, 2.0, 0.5, 1.5])
logq = F.log_softmax(torch.from_numpy(rs.randn(6, 4).astype(np.float32)), -1)
e1 = torch.from_numpy(rs.randn(5, 8).astype(np.float32)).requires_grad_()
e2 = torch.from_numpy(rs.randn(5, 8).astype(np.float32))
e3 = torch.from_numpy(rs.randn(5, 8).astype(np.float32))
y = torch.tensor([1, -1, 1, -1, -1])
pred = torch.from_numpy(rs.randn(10).astype(np.float32)).requires_grad_()
tgt = torch.from_numpy(rs.randn(10).astype(np.float32))
parts = {
    "ce": F.cross_entropy(logits, target, weight=w, label_smoothing=0.1),
    "kl": F.kl_div(F.log_softmax(logits, -1), logq, reduction="batchmean", log_target=True),
    "cos": F.cosine_embedding_loss(e1, e2, y, margin=0.2),
    "triplet": F.triplet_margin_loss(e1, e2, e3, margin=1.0, p=2),
    "smooth_l1": F.smooth_l1_loss(pred, tgt, beta=0.5),
}
total = sum(parts.values())
total.backward()
print({k: round(v.item(), 6) for k, v in parts.items()})
print("grads", logits.grad[0], round(e1.grad.norm().item(), 6), pred.grad[:4])

# --- WGAN-GP gradient penalty and higher-order derivatives ----------------------------------------------------
D = nn.Sequential(nn.Linear(2, 16), nn.LeakyReLU(0.2), nn.Linear(16, 1))
fill(D, 0.4)
optD = torch.optim.SGD(D.parameters(), lr=1e-2)  # Adam/RMSprop would sign-amplify ~1e-8 float noise
real = torch.from_numpy(rs.randn(2, 8, 2).astype(np.float32))
fakes = torch.from_numpy(rs.randn(2, 8, 2).astype(np.float32))
alphas = torch.from_numpy(rs.rand(2, 8, 1).astype(np.float32))
for it in range(2):
    interp = (alphas[it] * real[it] + (1 - alphas[it]) * fakes[it]).requires_grad_(True)
    grads = torch.autograd.grad(D(interp), interp, grad_outputs=torch.ones(8, 1), create_graph=True)[0]
    gp = ((grads.view(8, -1).norm(2, dim=1) - 1) ** 2).mean()
    d_loss = -D(real[it]).mean() + D(fakes[it]).mean() + 10 * gp
    optD.zero_grad()
    d_loss.backward()
    optD.step()
    print(f"it {it} d {d_loss.item():.5f} gp {gp.item():.5f} w0 {D[0].weight.grad.abs().sum().item():.5f}")
x = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
(g1,) = torch.autograd.grad((x**3 * torch.sin(x)).sum(), x, create_graph=True)
(g2,) = torch.autograd.grad(g1.sum(), x, create_graph=True)
(g3,) = torch.autograd.grad(g2.sum(), x)
print("g1", g1.detach(), "g2", g2.detach(), "g3", g3)
(jac,) = torch.autograd.grad(x.sin() * x, x, grad_outputs=torch.eye(3), is_grads_batched=True)
print("batched jacobian", jac)

# --- schedulers ----------------------------------------------------------------------------------------------
model = nn.Linear(3, 1)
fill(model)
opt = torch.optim.SGD([{"params": [model.weight]}, {"params": [model.bias], "lr": 0.05}], lr=0.1, momentum=0.9)
warm = LambdaLR(opt, lr_lambda=[lambda e: min(1.0, (e + 1) / 3), lambda e: 0.95**e])
multi = MultiStepLR(opt, milestones=[3, 5], gamma=0.5)
xs = torch.from_numpy(rs.randn(8, 3).astype(np.float32))
ys = torch.from_numpy(rs.randn(8, 1).astype(np.float32))
for epoch in range(6):
    opt.zero_grad()
    loss = F.mse_loss(model(xs), ys)
    loss.backward()
    opt.step()
    warm.step()
    multi.step()
    print(epoch, round(loss.item(), 6), [round(v, 8) for v in multi.get_last_lr()])
opt2 = torch.optim.Adam(model.parameters(), lr=0.01)
plateau = ReduceLROnPlateau(opt2, mode="min", factor=0.5, patience=1, threshold=0.1, cooldown=1, min_lr=1e-4)
for i, v in enumerate([1.0, 0.95, 0.96, 0.97, 0.5, 0.5, 0.5, 0.5]):
    opt2.step()
    plateau.step(v)
    print("plateau", i, plateau.get_last_lr(), plateau.num_bad_epochs)
opt3 = torch.optim.SGD(model.parameters(), lr=0.1)
cawr = CosineAnnealingWarmRestarts(opt3, T_0=3, T_mult=2, eta_min=0.001)
for epoch in range(5):
    for i in range(2):
        opt3.step()
        cawr.step(epoch + i / 2)
    print("cawr", epoch, [round(v, 8) for v in cawr.get_last_lr()], cawr.T_i)
