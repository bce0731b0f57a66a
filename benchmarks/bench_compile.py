"""Training-step throughput, four ways, in one run: torch eager, jtorch eager, jtorch compiled,
and the same model hand-written in JAX (jax.jit + optax, donated state).

    python benchmarks/bench_compile.py [--quick] [--rounds N] [--seconds S] [--only NAME]

Workloads (issue 11): the tutorial's linear regression (506x13, SGD), an MLP 784-512-512-10 with
Adam at batch 128, the PyTorch MNIST example's CNN (2 conv + max-pool + dropout + 2 fc, Adadelta)
at batch 64, and a 2-layer TransformerEncoder (d_model 128, 4 heads, seq 32, batch 32, Adam).
Every variant starts from the same weights and sees the same batch.

Measurement: these machines are shared and noisy, so the variants of a workload are measured in
interleaved rounds (each round times every variant for ``seconds / rounds``) and the table gives the
best round per variant (the least disturbed one) and the median; ratios are taken between best
rounds of the same run. Threads: torch runs with ``torch.set_num_threads(1)`` (column ``torch1``) and
with all cores (``torchN``); XLA runs with its default CPU client, whose intra-op thread pool has one
thread per core (``XLA_FLAGS`` is printed when set).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import jax
import jax.numpy as jnp
import numpy as np
import optax
import torch

import jtorch

FULL = {
    "dropout": (0.25, 0.5, 0.1),
    "mlp": 512,
    "cnn": (32, 64, 128),
    "transformer": (128, 4, 2048, 2),
    "batch": (128, 64, 32, 32),
}
QUICK = {
    "dropout": (0.0, 0.0, 0.0),
    "mlp": 16,
    "cnn": (2, 4, 8),
    "transformer": (8, 2, 16, 1),
    "batch": (4, 2, 2, 4),
}  # --quick: smoke sizes
SIZE = dict(FULL)

# --- the tutorial's linear regression (506x13, SGD) -------------------------------------------------


def linreg(T, data, target):
    class LinearModel(T.nn.Module):
        def __init__(self, ndim):
            super().__init__()
            self.weight = T.nn.Parameter(T.from_numpy(np.full((ndim, 1), 0.01, np.float32)))
            self.bias = T.nn.Parameter(T.zeros(1))

        def forward(self, x):
            return x.mm(self.weight) + self.bias

    lm = LinearModel(13)
    criterion = T.nn.MSELoss()
    opt = T.optim.SGD(lm.parameters(), lr=1e-6)
    x, y = T.from_numpy(data), T.from_numpy(target)

    def step():
        opt.zero_grad()
        loss = criterion(lm(x).squeeze(1), y)
        loss.backward()
        opt.step()
        return loss

    return step


def linreg_jax(data, target):
    params = {"w": jnp.full((13, 1), 0.01, jnp.float32), "b": jnp.zeros(1, jnp.float32)}
    tx = optax.sgd(1e-6)
    x, y = jnp.asarray(data), jnp.asarray(target)

    def loss_fn(p):
        return jnp.mean(((x @ p["w"] + p["b"])[:, 0] - y) ** 2)

    return _jax_step(loss_fn, params, tx)


def linreg_jax_same_contract(data, target):
    """The linear regression by hand with what a compiled PyTorch step must do beyond the baseline:
    data and lr are inputs (a closure tensor can be refilled, the lr changed, without recompiling),
    and the grads are outputs (``.grad`` holds them after ``optimizer.step()``). On these machines
    each extra output of a jitted call costs about 2 us of dispatch, a large share of a 30 us step."""
    state = [jnp.full((13, 1), 0.01, jnp.float32), jnp.zeros(1, jnp.float32)]
    x, y, lr = jnp.asarray(data), jnp.asarray(target), jnp.asarray(1e-6)

    def _step(w, b, x, y, lr):
        def loss_fn(w, b):
            return jnp.mean(((x @ w + b)[:, 0] - y) ** 2)

        loss, (gw, gb) = jax.value_and_grad(loss_fn, argnums=(0, 1))(w, b)
        return w - (lr * gw).astype(w.dtype), b - (lr * gb).astype(b.dtype), gw, gb, loss

    step_jit = jax.jit(_step, donate_argnums=(0, 1))

    def step():
        state[0], state[1], _, _, loss = step_jit(*state, x, y, lr)
        return loss

    return step


def _jax_step(loss_fn, params, tx, key=None):
    """A hand-written step: value_and_grad + optax update, params/state/key donated."""
    state = [params, tx.init(params), key]

    def _step(params, opt_state, key):
        if key is None:
            loss, g = jax.value_and_grad(loss_fn)(params)
        else:
            key, sub = jax.random.split(key)
            loss, g = jax.value_and_grad(loss_fn)(params, sub)
        upd, opt_state = tx.update(g, opt_state, params)
        return optax.apply_updates(params, upd), opt_state, key, loss

    step_jit = jax.jit(_step, donate_argnums=(0, 1, 2))

    def step():
        state[0], state[1], state[2], loss = step_jit(*state)
        return loss

    return step


# --- MLP 784-512-512-10, Adam, batch 128 -------------------------------------------------------------


def mlp(T, x_np, y_np, weights):
    nn = T.nn
    h = SIZE["mlp"]
    model = nn.Sequential(nn.Linear(784, h), nn.ReLU(), nn.Linear(h, h), nn.ReLU(), nn.Linear(h, 10))
    _load(T, model, weights)
    opt = T.optim.Adam(model.parameters(), lr=1e-3)
    criterion = nn.CrossEntropyLoss()
    x, y = T.from_numpy(x_np), T.from_numpy(y_np)

    def step():
        opt.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        opt.step()
        return loss

    return step


def mlp_jax(x_np, y_np, weights):
    # torch's (out, in) weights transposed once to the JAX (in, out) convention.
    params = [{"w": jnp.asarray(weights[f"{i}.weight"].T), "b": jnp.asarray(weights[f"{i}.bias"])} for i in (0, 2, 4)]
    x, y = jnp.asarray(x_np), jnp.asarray(y_np)

    def loss_fn(p):
        h = x
        for i, layer in enumerate(p):
            h = h @ layer["w"] + layer["b"]
            if i < len(p) - 1:
                h = jax.nn.relu(h)
        return optax.softmax_cross_entropy_with_integer_labels(h, y).mean()

    return _jax_step(loss_fn, params, optax.adam(1e-3))


# --- the PyTorch MNIST example's CNN, batch 64, Adadelta(lr=1.0) -------------------------------------


def cnn(T, x_np, y_np, weights):
    nn, F = T.nn, T.nn.functional

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            c1, c2, fc = SIZE["cnn"]
            self.conv1 = nn.Conv2d(1, c1, 3, 1)
            self.conv2 = nn.Conv2d(c1, c2, 3, 1)
            self.dropout1 = nn.Dropout(SIZE["dropout"][0])
            self.dropout2 = nn.Dropout(SIZE["dropout"][1])
            self.fc1 = nn.Linear(c2 * 12 * 12, fc)
            self.fc2 = nn.Linear(fc, 10)

        def forward(self, x):
            x = F.relu(self.conv1(x))
            x = F.relu(self.conv2(x))
            x = F.max_pool2d(x, 2)
            x = self.dropout1(x)
            x = T.flatten(x, 1)
            x = F.relu(self.fc1(x))
            x = self.dropout2(x)
            return F.log_softmax(self.fc2(x), dim=1)

    model = Net()
    _load(T, model, weights)
    opt = T.optim.Adadelta(model.parameters(), lr=1.0)
    x, y = T.from_numpy(x_np), T.from_numpy(y_np)

    def step():
        opt.zero_grad()
        loss = F.nll_loss(model(x), y)
        loss.backward()
        opt.step()
        return loss

    return step


def _conv(x, w, b, layout):
    """A 3x3 valid conv as torch computes it (NCHW, OIHW), or in NHWC/HWIO when ``layout`` says so."""
    if layout == "NHWC":
        y = jax.lax.conv_general_dilated(x, w, (1, 1), "VALID", dimension_numbers=("NHWC", "HWIO", "NHWC"))
        return y + b
    y = jax.lax.conv_general_dilated(x, w, (1, 1), "VALID", dimension_numbers=("NCHW", "OIHW", "NCHW"))
    return y + b[:, None, None]


def _dropout(key, p, h):
    if p == 0:
        return h
    keep = jax.random.bernoulli(key, 1 - p, h.shape)
    return jnp.where(keep, h / (1 - p), 0)


def cnn_jax(x_np, y_np, weights, layout="NCHW"):
    params = {k.replace(".", "_"): jnp.asarray(v) for k, v in weights.items()}
    x, y = jnp.asarray(x_np), jnp.asarray(y_np)
    if layout == "NHWC":  # the same network with channels last (XLA:CPU's native conv layout)
        x = x.transpose(0, 2, 3, 1)
        for k in ("conv1_weight", "conv2_weight"):
            params[k] = params[k].transpose(2, 3, 1, 0)

    p_drop = SIZE["dropout"]

    def loss_fn(p, key):
        k1, k2 = jax.random.split(key)
        h = jax.nn.relu(_conv(x, p["conv1_weight"], p["conv1_bias"], layout))
        h = jax.nn.relu(_conv(h, p["conv2_weight"], p["conv2_bias"], layout))
        if layout == "NHWC":
            n, hh, ww, c = h.shape
            h = h.reshape(n, hh // 2, 2, ww // 2, 2, c).max(axis=(2, 4))
            h = _dropout(k1, p_drop[0], h).transpose(0, 3, 1, 2)  # flatten in torch's (C, H, W) order
        else:
            n, c, hh, ww = h.shape
            h = h.reshape(n, c, hh // 2, 2, ww // 2, 2).max(axis=(3, 5))
            h = _dropout(k1, p_drop[0], h)
        h = h.reshape(n, -1)
        h = jax.nn.relu(h @ p["fc1_weight"].T + p["fc1_bias"])
        h = _dropout(k2, p_drop[1], h)
        logp = jax.nn.log_softmax(h @ p["fc2_weight"].T + p["fc2_bias"])
        return -jnp.take_along_axis(logp, y[:, None], axis=1).mean()

    return _jax_step(loss_fn, params, optax.adadelta(1.0, rho=0.9, eps=1e-6), jax.random.key(0))


# --- 2-layer TransformerEncoder (d_model 128, 4 heads, seq 32, batch 32), Adam ------------------------


def transformer(T, x_np, y_np, weights):
    nn = T.nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            d, nhead, ff, n_layers = SIZE["transformer"]
            layer = nn.TransformerEncoderLayer(d, nhead, ff, SIZE["dropout"][2], batch_first=True)
            self.encoder = nn.TransformerEncoder(layer, n_layers, enable_nested_tensor=False)
            self.head = nn.Linear(d, 10)

        def forward(self, x):
            return self.head(self.encoder(x).mean(1))

    model = Net()
    _load(T, model, weights)
    opt = T.optim.Adam(model.parameters(), lr=1e-3)
    criterion = nn.CrossEntropyLoss()
    x, y = T.from_numpy(x_np), T.from_numpy(y_np)

    def step():
        opt.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        opt.step()
        return loss

    return step


def _layer_norm(h, w, b, eps=1e-5):
    mu = h.mean(-1, keepdims=True)
    var = ((h - mu) ** 2).mean(-1, keepdims=True)
    return (h - mu) / jnp.sqrt(var + eps) * w + b


def transformer_jax(x_np, y_np, weights):
    """torch's post-norm TransformerEncoderLayer (relu, dim_feedforward 2048, dropout 0.1 in the
    attention weights, after attention, inside and after the feed-forward) written in JAX."""
    params = {k: jnp.asarray(v) for k, v in weights.items()}
    x, y = jnp.asarray(x_np), jnp.asarray(y_np)
    nhead, n_layers, p_drop = SIZE["transformer"][1], SIZE["transformer"][3], SIZE["dropout"][2]

    def loss_fn(p, key):
        keys = jax.random.split(key, 4 * n_layers)
        h = x
        bsz, seq, d = h.shape
        hd = d // nhead
        for i in range(n_layers):
            q = f"encoder.layers.{i}."
            qkv = h @ p[q + "self_attn.in_proj_weight"].T + p[q + "self_attn.in_proj_bias"]
            qh, kh, vh = (t.reshape(bsz, seq, nhead, hd).transpose(0, 2, 1, 3) for t in jnp.split(qkv, 3, -1))
            att = jax.nn.softmax(qh @ kh.transpose(0, 1, 3, 2) / np.sqrt(hd), -1)
            att = _dropout(keys[4 * i], p_drop, att)
            a = (att @ vh).transpose(0, 2, 1, 3).reshape(bsz, seq, d)
            a = a @ p[q + "self_attn.out_proj.weight"].T + p[q + "self_attn.out_proj.bias"]
            h = _layer_norm(h + _dropout(keys[4 * i + 1], p_drop, a), p[q + "norm1.weight"], p[q + "norm1.bias"])
            f = jax.nn.relu(h @ p[q + "linear1.weight"].T + p[q + "linear1.bias"])
            f = _dropout(keys[4 * i + 2], p_drop, f) @ p[q + "linear2.weight"].T + p[q + "linear2.bias"]
            h = _layer_norm(h + _dropout(keys[4 * i + 3], p_drop, f), p[q + "norm2.weight"], p[q + "norm2.bias"])
        logits = h.mean(1) @ p["head.weight"].T + p["head.bias"]
        return optax.softmax_cross_entropy_with_integer_labels(logits, y).mean()

    return _jax_step(loss_fn, params, optax.adam(1e-3), jax.random.key(0))


# --- harness ---------------------------------------------------------------------------------------


def _load(T, model, weights) -> None:
    """Give ``model`` the shared initial weights (numpy arrays from torch's own initialisation)."""
    if weights is None:  # reading torch's initialisation itself
        return
    with T.no_grad():
        for name, p in model.named_parameters():
            p.copy_(T.from_numpy(weights[name].copy()))


def initial_state(build, data) -> dict:
    """Initial weights as numpy arrays: torch's default initialisation (seed 0) of ``build``'s model."""
    torch.manual_seed(0)
    step = build(torch, *data, None)
    modules = [c.cell_contents for c in step.__closure__ if isinstance(c.cell_contents, torch.nn.Module)]
    model = max(modules, key=lambda m: len(m.state_dict()))  # the network, not the loss module
    return {k: v.detach().numpy().copy() for k, v in model.state_dict().items()}


def rates(variants: dict, seconds: float, rounds: int) -> dict:
    """Steps/s of each variant in ``rounds`` interleaved rounds: {name: [per-round rates]}."""
    for fn, threads in variants.values():  # warm-up: compiles, lazy optimizer state
        _threads(threads)
        for _ in range(3 if seconds else 2):
            out = fn()
        _sync(out)
    res = {name: [] for name in variants}
    per = seconds / rounds
    for _ in range(rounds):
        for name, (fn, threads) in variants.items():
            _threads(threads)
            n, t0 = 0, time.perf_counter()
            while True:
                out = fn()
                n += 1
                if n % 2 == 0 and time.perf_counter() - t0 > per:
                    break
            _sync(out)
            res[name].append(n / (time.perf_counter() - t0))
    return res


def _threads(n):
    if n:
        torch.set_num_threads(n)


def _sync(out):
    if isinstance(out, jtorch.Tensor):
        jax.block_until_ready(out._data)
    elif isinstance(out, jax.Array):
        jax.block_until_ready(out)


def make_cases():
    rng = np.random.default_rng(0)
    b_mlp, b_cnn, b_tr, seq = SIZE["batch"]
    d = SIZE["transformer"][0]
    return {
        "linreg 506x13 SGD": (
            (rng.standard_normal((506, 13)).astype(np.float32), rng.standard_normal(506).astype(np.float32)),
            linreg,
            linreg_jax,
        ),
        f"MLP 784-{SIZE['mlp']}x2-10 Adam b{b_mlp}": (
            (rng.standard_normal((b_mlp, 784)).astype(np.float32), rng.integers(0, 10, b_mlp)),
            mlp,
            mlp_jax,
        ),
        f"CNN MNIST-example b{b_cnn} Adadelta": (
            (rng.standard_normal((b_cnn, 1, 28, 28)).astype(np.float32), rng.integers(0, 10, b_cnn)),
            cnn,
            cnn_jax,
        ),
        f"Transformer {SIZE['transformer'][3]}L d{d} s{seq} b{b_tr} Adam": (
            (rng.standard_normal((b_tr, seq, d)).astype(np.float32), rng.integers(0, 10, b_tr)),
            transformer,
            transformer_jax,
        ),
    }


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="smoke run: tiny sizes, two timed steps per variant")
    ap.add_argument("--rounds", type=int, default=5, help="interleaved rounds per workload")
    ap.add_argument("--seconds", type=float, default=10.0, help="time per variant per workload (all rounds)")
    ap.add_argument("--only", default="", help="run the workloads whose name contains this")
    ap.add_argument("--skip-eager", action="store_true", help="leave out jtorch eager (slow on big models)")
    args = ap.parse_args(argv)
    rounds, seconds = (1, 0.0) if args.quick else (args.rounds, args.seconds)
    SIZE.update(QUICK if args.quick else FULL)
    ncpu = os.cpu_count() or 1
    print(f"jax {jax.__version__} {jax.devices()}, torch {torch.__version__}, {ncpu} cores, load {os.getloadavg()}")
    print(f"threads: torch1 = torch.set_num_threads(1), torch{ncpu} = set_num_threads({ncpu}); XLA default CPU pool")
    print(f"XLA_FLAGS={os.environ.get('XLA_FLAGS', '')!r}; {rounds} interleaved round(s), best (median) steps/s")
    cols = ["torch1", f"torch{ncpu}", "jt eager", "jt comp", "jax.jit"]
    print(f"{'workload':38s} " + " ".join(f"{c:>17s}" for c in cols) + "  comp/jax comp/torch1")
    for name, (data, build, build_jax) in make_cases().items():
        if args.only and args.only not in name:
            continue
        weights = None if build is linreg else initial_state(build, data)
        extra = () if weights is None else (weights,)
        jtorch.manual_seed(0)
        variants = {
            "torch1": (build(torch, *data, *extra), 1),
            f"torch{ncpu}": (build(torch, *data, *extra), ncpu),
            "jt eager": (build(jtorch, *data, *extra), 1),
            "jt comp": (jtorch.compile(build(jtorch, *data, *extra)), 1),
            "jax.jit": (build_jax(*data, *extra), 1),
        }
        if args.skip_eager:
            del variants["jt eager"]
        if args.quick:
            del variants[f"torch{ncpu}"]
        if build is linreg:
            variants["jax.jit same contract"] = (linreg_jax_same_contract(*data), 1)
        if build is cnn:  # XLA:CPU convolutions: does a channels-last formulation help?
            variants["jax.jit NHWC"] = (build_jax(*data, *extra, layout="NHWC"), 1)
        res = rates(variants, seconds, rounds)
        best = {k: max(v) for k, v in res.items()}
        cells = [f"{best[c]:9.1f} ({statistics.median(res[c]):5.0f})" if c in res else f"{'-':>17s}" for c in cols]
        print(
            f"{name:38s} " + " ".join(cells) + f"  {best['jt comp'] / best['jax.jit']:8.2f} "
            f"{best['jt comp'] / best['torch1']:11.2f}",
            flush=True,
        )
        if "jax.jit same contract" in res:
            same = best["jax.jit same contract"]
            print(
                f"{'  by hand, grads out, data/lr in':38s} {same:9.1f} steps/s; jt comp / this {best['jt comp'] / same:.2f}"
            )
        if "jax.jit NHWC" in res:
            print(
                f"{'  same CNN by hand in NHWC/HWIO':38s} {best['jax.jit NHWC']:9.1f} steps/s (NCHW {best['jax.jit']:.1f})"
            )


if __name__ == "__main__":
    main()
