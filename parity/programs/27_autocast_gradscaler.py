"""Mixed precision on CPU (bfloat16 numbers are printed to 1 decimal: XLA and oneDNN round bf16 matmuls
differently): torch.autocast("cpu") (bfloat16 matmuls/convs, float32 losses), dtypes inside and
outside the region, autocast as a decorator, nesting with enabled=False, and a GradScaler training loop
on CPU (torch.amp.GradScaler("cpu"): scale, unscale_, clip, step, update with growth)."""

import warnings

import numpy as np
import torch
import torch.nn as nn

rng = np.random.default_rng(17)
model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3))
with torch.no_grad():
    for _name, p in sorted(model.named_parameters()):
        p.copy_(torch.from_numpy(rng.uniform(-0.3, 0.3, tuple(p.shape)).astype(np.float32)))
X = torch.from_numpy(rng.normal(size=(12, 8)).astype(np.float32))
Y = torch.from_numpy(rng.integers(0, 3, 12))

with torch.autocast(device_type="cpu", dtype=torch.bfloat16):
    out = model(X)
    loss = nn.functional.cross_entropy(out, Y)
    print("inside", out.dtype, loss.dtype, torch.is_autocast_enabled("cpu"), torch.get_autocast_dtype("cpu"))
    print("mm", torch.mm(X, X.t()).dtype, "add", (X + 1).dtype, "softmax", torch.softmax(out, 1).dtype)
    with torch.autocast(device_type="cpu", enabled=False):
        print("nested disabled", model(X).dtype)
    conv = nn.Conv1d(2, 2, 3)
    print("conv", conv(X.view(12, 2, 4)).dtype, "double stays", torch.mm(X.double(), X.double().t()).dtype)
print("outside", model(X).dtype, torch.is_autocast_enabled("cpu"))
loss.backward()
print("grad dtype", model[0].weight.grad.dtype, "loss", round(loss.item(), 2))


@torch.autocast("cpu")
def forward(x):
    return model(x)


print("decorated", forward(X).dtype)

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    scaler = torch.amp.GradScaler("cpu", init_scale=2.0**4, growth_interval=2)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
for step in range(5):
    optimizer.zero_grad()
    with torch.autocast("cpu", dtype=torch.bfloat16):
        loss = nn.functional.cross_entropy(model(X), Y)
    scaler.scale(loss).backward()
    scaler.unscale_(optimizer)
    norm = nn.utils.clip_grad_norm_(model.parameters(), 10.0)
    scaler.step(optimizer)
    scaler.update()
    print(f"step {step} loss {loss.item():.1f} scale {scaler.get_scale()} finite-norm {bool(torch.isfinite(norm))}")
print(scaler.state_dict())
