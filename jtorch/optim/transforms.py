"""PyTorch's optimizer update rules as optax ``GradientTransformation`` s.

Each rule is a pure per-tensor function ``rule(p, g, s, hp, **flags) -> (new_p, new_s)`` that reproduces
torch's ``_single_tensor_<name>`` (the CPU path) operation by operation: scalar factors are computed in
float64 like torch's Python floats and cast to the parameter dtype where ATen casts a Scalar; ``s`` is a
dict with torch's state keys (``step`` a float32 0-d array, ``exp_avg``, ...). ``hp`` holds the numeric
hyperparameters as traced float64 scalars, so changing a learning rate never recompiles; ``flags`` are the
static options (booleans, and ``x != 0`` tests that change which tensors exist).

optax's own ``sgd``/``adam``/``adagrad``/``rmsprop``... are not used: they differ from torch in details
that change results (optax's adam puts eps inside the bias correction differently, has no amsgrad max
over the uncorrected second moment, its trace does not copy the first gradient into the momentum buffer,
its adagrad/rmsprop place eps inside the sqrt, and none apply torch's coupled weight decay before the
moments). Each public factory here returns a real ``optax.GradientTransformation`` whose numeric
hyperparameters live in its state, like ``optax.inject_hyperparams`` (a value may also be an optax
schedule ``count -> value``).
"""

from __future__ import annotations

import functools
from typing import Any, Callable, NamedTuple

import jax
import jax.numpy as jnp
import optax

F64 = jnp.float64
F32 = jnp.float32


def _c(x, like):
    """A float64 scalar cast to ``like``'s dtype, as ATen casts a Python Scalar to scalar_t."""
    return jnp.asarray(x).astype(like.dtype)


def _lerp(a, b, w):
    """ATen's lerp: ``a + w*(b-a)`` for ``|w| < 0.5`` else ``b - (b-a)*(1-w)`` (w already cast)."""
    return jnp.where(jnp.abs(w) < 0.5, a + w * (b - a), b - (b - a) * (1 - w))


def _step(s):
    new = s["step"] + jnp.ones((), s["step"].dtype)
    return new, new.astype(F64)


def _coupled_decay(p, g, hp, has_wd):
    return g + _c(hp["weight_decay"], p) * p if has_wd else g


# --- rules (torch/optim/<name>.py, _single_tensor_<name>) ----------------------------------------
def sgd_rule(p, g, s, hp, *, maximize, has_wd, has_momentum, nesterov):
    g = -g if maximize else g
    g = _coupled_decay(p, g, hp, has_wd)
    s = dict(s)
    if has_momentum:
        m = _c(hp["momentum"], p)
        # torch's first step copies the gradient into the buffer (no dampening), later steps decay it.
        buf = jnp.where(s.pop("_initialized"), s["momentum_buffer"] * m + _c(1 - hp["dampening"], p) * g, g)
        s["momentum_buffer"] = buf
        s["_initialized"] = jnp.ones((), bool)
        g = g + m * buf if nesterov else buf
    return p + _c(-hp["lr"], p) * g, s


def adam_rule(p, g, s, hp, *, maximize, has_wd, amsgrad, decoupled_weight_decay):
    g = -g if maximize else g
    step, t = _step(s)
    lr, beta1, beta2 = hp["lr"], hp["beta1"], hp["beta2"]
    if has_wd:
        if decoupled_weight_decay:
            p = p * _c(1 - lr * hp["weight_decay"], p)
        else:
            g = g + _c(hp["weight_decay"], p) * p
    exp_avg = _lerp(s["exp_avg"], g, _c(1 - beta1, p))
    exp_avg_sq = s["exp_avg_sq"] * _c(beta2, p) + _c(1 - beta2, p) * g * g
    step_size = lr / (1 - beta1**t)
    bc2_sqrt = (1 - beta2**t) ** 0.5
    out = {"step": step, "exp_avg": exp_avg, "exp_avg_sq": exp_avg_sq}
    v = exp_avg_sq
    if amsgrad:
        v = out["max_exp_avg_sq"] = jnp.maximum(s["max_exp_avg_sq"], exp_avg_sq)
    denom = jnp.sqrt(v) / _c(bc2_sqrt, p) + _c(hp["eps"], p)
    return p + _c(-step_size, p) * exp_avg / denom, out


def adagrad_rule(p, g, s, hp, *, maximize, has_wd):
    step, t = _step(s)
    g = -g if maximize else g
    g = _coupled_decay(p, g, hp, has_wd)
    clr = hp["lr"] / (1 + (t - 1) * hp["lr_decay"])
    state_sum = s["sum"] + g * g
    std = jnp.sqrt(state_sum) + _c(hp["eps"], p)
    return p + _c(-clr, p) * g / std, {"step": step, "sum": state_sum}


def adadelta_rule(p, g, s, hp, *, maximize, has_wd):
    step, _ = _step(s)
    g = -g if maximize else g
    g = _coupled_decay(p, g, hp, has_wd)
    rho, eps = _c(hp["rho"], p), _c(hp["eps"], p)
    square_avg = s["square_avg"] * rho + _c(1 - hp["rho"], p) * g * g
    std = jnp.sqrt(square_avg + eps)
    delta = jnp.sqrt(s["acc_delta"] + eps) / std * g
    acc_delta = s["acc_delta"] * rho + _c(1 - hp["rho"], p) * delta * delta
    return p + _c(-hp["lr"], p) * delta, {"step": step, "square_avg": square_avg, "acc_delta": acc_delta}


def adamax_rule(p, g, s, hp, *, maximize, has_wd):
    g = -g if maximize else g
    step, t = _step(s)
    g = _coupled_decay(p, g, hp, has_wd)
    exp_avg = _lerp(s["exp_avg"], g, _c(1 - hp["beta1"], p))
    exp_inf = jnp.maximum(s["exp_inf"] * _c(hp["beta2"], p), jnp.abs(g) + _c(hp["eps"], p))
    clr = hp["lr"] / (1 - hp["beta1"] ** t)
    return p + _c(-clr, p) * exp_avg / exp_inf, {"step": step, "exp_avg": exp_avg, "exp_inf": exp_inf}


def nadam_rule(p, g, s, hp, *, maximize, has_wd, decoupled_weight_decay):
    g = -g if maximize else g
    step, t = _step(s)
    lr, beta1, beta2, md = hp["lr"], hp["beta1"], hp["beta2"], hp["momentum_decay"]
    bias_correction2 = 1 - beta2**t
    if has_wd:
        if decoupled_weight_decay:
            p = p * _c(1 - lr * hp["weight_decay"], p)
        else:
            g = g + _c(hp["weight_decay"], p) * p
    mu = beta1 * (1.0 - 0.5 * (0.96 ** (t * md)))
    mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((t + 1) * md)))
    mu_product = s["mu_product"] * _c(mu, s["mu_product"])
    exp_avg = _lerp(s["exp_avg"], g, _c(1 - beta1, p))
    exp_avg_sq = s["exp_avg_sq"] * _c(beta2, p) + _c(1 - beta2, p) * g * g
    denom = jnp.sqrt(exp_avg_sq / _c(bias_correction2, p)) + _c(hp["eps"], p)
    mp = mu_product.astype(F64)
    mu_product_next = mp * mu_next
    p = p + _c(-lr * (1.0 - mu) / (1.0 - mp), p) * g / denom
    p = p + _c((-lr * mu_next) / (1.0 - mu_product_next), p) * exp_avg / denom
    return p, {"step": step, "mu_product": mu_product, "exp_avg": exp_avg, "exp_avg_sq": exp_avg_sq}


def radam_rule(p, g, s, hp, *, maximize, has_wd, decoupled_weight_decay):
    g = -g if maximize else g
    step, t = _step(s)
    lr, beta1, beta2 = hp["lr"], hp["beta1"], hp["beta2"]
    if has_wd:
        if decoupled_weight_decay:
            p = p * _c(1 - lr * hp["weight_decay"], p)
        else:
            g = g + _c(hp["weight_decay"], p) * p
    exp_avg = _lerp(s["exp_avg"], g, _c(1 - beta1, p))
    exp_avg_sq = s["exp_avg_sq"] * _c(beta2, p) + _c(1 - beta2, p) * g * g
    bias_correction1 = 1 - beta1**t
    bias_correction2 = 1 - beta2**t
    corrected = exp_avg / _c(bias_correction1, p)
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * t * (beta2**t) / bias_correction2
    rectified = rho_t > 5.0
    safe_rho = jnp.where(rectified, rho_t, 6.0)  # the other branch is unused; keep its sqrt finite
    rect = ((safe_rho - 4) * (safe_rho - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * safe_rho)) ** 0.5
    adaptive = _c(bias_correction2**0.5, p) / (jnp.sqrt(exp_avg_sq) + _c(hp["eps"], p))
    upd = jnp.where(rectified, corrected * _c(lr, p) * adaptive * _c(rect, p), corrected * _c(lr, p))
    return p - upd, {"step": step, "exp_avg": exp_avg, "exp_avg_sq": exp_avg_sq}


def rmsprop_rule(p, g, s, hp, *, maximize, has_wd, has_momentum, centered):
    step, _ = _step(s)
    g = -g if maximize else g
    g = _coupled_decay(p, g, hp, has_wd)
    alpha = hp["alpha"]
    out = {"step": step}
    square_avg = out["square_avg"] = s["square_avg"] * _c(alpha, p) + _c(1 - alpha, p) * g * g
    if centered:
        grad_avg = out["grad_avg"] = _lerp(s["grad_avg"], g, _c(1 - alpha, p))
        avg = jnp.sqrt(square_avg + _c(-1.0, p) * grad_avg * grad_avg)
    else:
        avg = jnp.sqrt(square_avg)
    avg = avg + _c(hp["eps"], p)
    if has_momentum:
        buf = out["momentum_buffer"] = s["momentum_buffer"] * _c(hp["momentum"], p) + g / avg
        return p + _c(-hp["lr"], p) * buf, _order(out, s)
    return p + _c(-hp["lr"], p) * g / avg, _order(out, s)


def rprop_rule(p, g, s, hp, *, maximize):
    step, _ = _step(s)
    g = -g if maximize else g
    sign = jnp.sign(g * s["prev"])
    neg = sign < 0
    factor = jnp.where(sign > 0, _c(hp["etaplus"], p), jnp.where(neg, _c(hp["etaminus"], p), jnp.ones((), p.dtype)))
    step_size = jnp.clip(s["step_size"] * factor, _c(hp["step_size_min"], p), _c(hp["step_size_max"], p))
    g = jnp.where(neg, jnp.zeros((), p.dtype), g)
    return p + _c(-1.0, p) * jnp.sign(g) * step_size, {"step": step, "prev": g, "step_size": step_size}


def asgd_rule(p, g, s, hp, *, maximize, has_wd):
    g = -g if maximize else g
    step, t = _step(s)
    g = _coupled_decay(p, g, hp, has_wd)
    lr, lambd, eta_value = hp["lr"], hp["lambd"], s["eta"].astype(F64)
    p = p * _c(1 - lambd * eta_value, p)
    p = p + _c(-eta_value, p) * g
    mu = s["mu"]
    ax = jnp.where(mu != 1, s["ax"] + (p - s["ax"]) * mu.astype(p.dtype), p)
    eta = (lr / ((1 + lambd * lr * t) ** hp["alpha"])).astype(s["eta"].dtype)
    new_mu = (1 / jnp.maximum(1.0, t - hp["t0"])).astype(mu.dtype)
    return p, {"step": step, "eta": eta, "mu": new_mu, "ax": ax}


def adafactor_rule(p, g, s, hp, *, maximize, has_wd, eps1_default):
    g = -g if maximize else g
    step, t = _step(s)
    lr, d = hp["lr"], hp["d"]
    eps1 = float(jnp.finfo(p.dtype).eps) if eps1_default else hp["eps1"]
    one_minus_beta2_t = t ** hp["beta2_decay"]
    rho_t = jnp.minimum(lr, 1 / (t**0.5))
    alpha = jnp.maximum(hp["eps2"], jnp.linalg.norm(p.reshape(-1)).astype(F64) / (p.size**0.5)) * rho_t
    if has_wd:
        p = p * _c(1 - lr * hp["weight_decay"], p)
    w = _c(one_minus_beta2_t, p)
    out = {"step": step}
    if g.ndim > 1:
        row_mean = jnp.square(jnp.sqrt(jnp.sum(g * g, axis=-1, keepdims=True))) / _c(g.shape[-1], p)
        row_var = out["row_var"] = _lerp(s["row_var"], row_mean, w)
        col_mean = jnp.square(jnp.sqrt(jnp.sum(g * g, axis=-2, keepdims=True))) / _c(g.shape[-2], p)
        col_var = out["col_var"] = _lerp(s["col_var"], col_mean, w)
        var_estimate = jnp.matmul(row_var, col_var)
        var_estimate = var_estimate / jnp.maximum(jnp.mean(row_var, axis=-2, keepdims=True), _c(eps1, p))
    else:
        var_estimate = out["variance"] = _lerp(s["variance"], g * g, w)
    update = jax.lax.rsqrt(jnp.maximum(var_estimate, _c(eps1 * eps1, p))) * g
    denom = jnp.maximum(1.0, jnp.linalg.norm(update.reshape(-1)).astype(F64) / ((update.size**0.5) * d))
    return p + _c(-alpha / denom, p) * update, out


def _newton_schulz(grad, a, b, c, ns_steps, eps):
    """torch's _zeropower_via_newtonschulz: bfloat16 iterations (fp32-accumulated matmuls, as ATen's CPU bf16 mm)."""
    bf = jnp.bfloat16

    def mm(x, y):
        return jnp.matmul(x, y, preferred_element_type=F32)

    x = grad.astype(bf)
    tall = grad.shape[0] > grad.shape[1]
    if tall:
        x = x.T
    norm = jnp.sqrt(jnp.sum(jnp.square(x.astype(F32)))).astype(bf)
    x = (x / jnp.maximum(norm, eps.astype(bf))).astype(bf)
    for _ in range(ns_steps):
        gram = mm(x, x.T).astype(bf)
        gram_update = (b.astype(F32) * gram.astype(F32) + c.astype(F32) * mm(gram, gram)).astype(bf)
        x = (a.astype(F32) * x.astype(F32) + mm(gram_update, x)).astype(bf)
    return x.T if tall else x


def muon_rule(p, g, s, hp, *, nesterov, ns_steps, adjust_lr_fn):
    if g.ndim != 2:
        raise ValueError("Param gradient must be a 2D matrix")
    m, lr = hp["momentum"], hp["lr"]
    buf = _lerp(s["momentum_buffer"], g, _c(1 - m, p))
    update = _lerp(g, buf, _c(m, p)) if nesterov else buf
    update = _newton_schulz(update, hp["ns_a"], hp["ns_b"], hp["ns_c"], ns_steps, hp["eps"])
    A, B = p.shape[:2]
    if adjust_lr_fn is None or adjust_lr_fn == "original":
        ratio = max(1, A / B) ** 0.5
    elif adjust_lr_fn == "match_rms_adamw":
        ratio = 0.2 * max(A, B) ** 0.5
    else:
        ratio = 1.0
    p = p * _c(1 - lr * hp["weight_decay"], p)
    return p + _c(-(lr * ratio), p) * update.astype(p.dtype), {"momentum_buffer": buf}


def _order(new, old):
    """Keep the key order of torch's state dict (insertion order at init)."""
    return {k: new[k] for k in old if k in new}


# --- optax transformations -----------------------------------------------------------------------
class TorchOptimizerState(NamedTuple):
    """optax state: ``count`` (int32), current ``hyperparams`` (float64 scalars) and per-parameter torch state."""

    count: jax.Array
    hyperparams: dict
    per_param: Any


def _resolve(hyper, count):
    return {k: (jnp.asarray(v(count), F64) if callable(v) else v) for k, v in hyper.items()}


def rule_transformation(
    rule: Callable, init_leaf: Callable, hyperparams: dict, flags: dict
) -> optax.GradientTransformation:
    """An optax transformation applying ``rule`` to every leaf; hyperparameters live in the state.

    ``init_leaf(p, hyperparams) -> dict`` builds torch's initial state for one parameter. The update is
    ``new_p - p`` (exact whenever ``new_p`` is within a factor 2 of ``p``, Sterbenz), so
    ``optax.apply_updates`` gives back torch's parameter.
    """
    schedules = {k: v for k, v in hyperparams.items() if callable(v)}

    def init(params):
        count = jnp.zeros((), jnp.int32)
        hp = _resolve({k: (v if callable(v) else jnp.asarray(v, F64)) for k, v in hyperparams.items()}, count)
        return TorchOptimizerState(count, hp, jax.tree.map(lambda p: init_leaf(p, hp), params))

    def update(updates, state, params=None):
        if params is None:
            raise ValueError(
                "You are using a transformation that requires the current value of parameters, but you are not passing `params` when calling `update`."
            )
        hp = dict(state.hyperparams)
        hp.update(_resolve(schedules, state.count))
        leaves, treedef = jax.tree.flatten(updates)
        p_leaves = treedef.flatten_up_to(params)
        s_leaves = treedef.flatten_up_to(state.per_param)
        outs = [rule(p, g, s, hp, **flags) for p, g, s in zip(p_leaves, leaves, s_leaves)]
        new_updates = treedef.unflatten([np_ - p for (np_, _), p in zip(outs, p_leaves)])
        new_state = treedef.unflatten([ns for _, ns in outs])
        return new_updates, TorchOptimizerState(optax.safe_int32_increment(state.count), hp, new_state)

    return optax.GradientTransformation(init, update)


def _zeros(p):
    return jnp.zeros_like(p)


def _step0(p=None):
    return jnp.zeros((), F32)


def sgd(lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False, *, maximize=False):
    """torch.optim.SGD's rule as an optax transformation."""
    flags = dict(maximize=maximize, has_wd=weight_decay != 0, has_momentum=momentum != 0, nesterov=nesterov)

    def init_leaf(p, hp):
        return {"momentum_buffer": _zeros(p), "_initialized": jnp.zeros((), bool)} if flags["has_momentum"] else {}

    hp = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay)
    return rule_transformation(sgd_rule, init_leaf, hp, flags)


def _adam_init(amsgrad):
    def init_leaf(p, hp):
        s = {"step": _step0(), "exp_avg": _zeros(p), "exp_avg_sq": _zeros(p)}
        if amsgrad:
            s["max_exp_avg_sq"] = _zeros(p)
        return s

    return init_leaf


def adam(
    lr=1e-3,
    betas=(0.9, 0.999),
    eps=1e-8,
    weight_decay=0.0,
    amsgrad=False,
    *,
    maximize=False,
    decoupled_weight_decay=False,
):
    """torch.optim.Adam's rule (``decoupled_weight_decay=True`` is AdamW) as an optax transformation."""
    flags = dict(
        maximize=maximize, has_wd=weight_decay != 0, amsgrad=amsgrad, decoupled_weight_decay=decoupled_weight_decay
    )
    hp = dict(lr=lr, beta1=betas[0], beta2=betas[1], eps=eps, weight_decay=weight_decay)
    return rule_transformation(adam_rule, _adam_init(amsgrad), hp, flags)


def adamw(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *, maximize=False):
    """torch.optim.AdamW's rule as an optax transformation."""
    return adam(lr, betas, eps, weight_decay, amsgrad, maximize=maximize, decoupled_weight_decay=True)


def adagrad(lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10, *, maximize=False):
    """torch.optim.Adagrad's rule as an optax transformation."""

    def init_leaf(p, hp):
        return {"step": _step0(), "sum": jnp.full_like(p, initial_accumulator_value)}

    hp = dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay, eps=eps)
    return rule_transformation(adagrad_rule, init_leaf, hp, dict(maximize=maximize, has_wd=weight_decay != 0))


def adadelta(lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0, *, maximize=False):
    """torch.optim.Adadelta's rule as an optax transformation."""

    def init_leaf(p, hp):
        return {"step": _step0(), "square_avg": _zeros(p), "acc_delta": _zeros(p)}

    hp = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay)
    return rule_transformation(adadelta_rule, init_leaf, hp, dict(maximize=maximize, has_wd=weight_decay != 0))


def adamax(lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, *, maximize=False):
    """torch.optim.Adamax's rule as an optax transformation."""

    def init_leaf(p, hp):
        return {"step": _step0(), "exp_avg": _zeros(p), "exp_inf": _zeros(p)}

    hp = dict(lr=lr, beta1=betas[0], beta2=betas[1], eps=eps, weight_decay=weight_decay)
    return rule_transformation(adamax_rule, init_leaf, hp, dict(maximize=maximize, has_wd=weight_decay != 0))


def nadam(
    lr=2e-3,
    betas=(0.9, 0.999),
    eps=1e-8,
    weight_decay=0.0,
    momentum_decay=4e-3,
    decoupled_weight_decay=False,
    *,
    maximize=False,
):
    """torch.optim.NAdam's rule as an optax transformation."""

    def init_leaf(p, hp):
        return {"step": _step0(), "mu_product": jnp.ones((), F32), "exp_avg": _zeros(p), "exp_avg_sq": _zeros(p)}

    hp = dict(lr=lr, beta1=betas[0], beta2=betas[1], eps=eps, weight_decay=weight_decay, momentum_decay=momentum_decay)
    flags = dict(maximize=maximize, has_wd=weight_decay != 0, decoupled_weight_decay=decoupled_weight_decay)
    return rule_transformation(nadam_rule, init_leaf, hp, flags)


def radam(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, decoupled_weight_decay=False, *, maximize=False):
    """torch.optim.RAdam's rule as an optax transformation."""

    def init_leaf(p, hp):
        return {"step": _step0(), "exp_avg": _zeros(p), "exp_avg_sq": _zeros(p)}

    hp = dict(lr=lr, beta1=betas[0], beta2=betas[1], eps=eps, weight_decay=weight_decay)
    flags = dict(maximize=maximize, has_wd=weight_decay != 0, decoupled_weight_decay=decoupled_weight_decay)
    return rule_transformation(radam_rule, init_leaf, hp, flags)


def rmsprop(lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False, *, maximize=False):
    """torch.optim.RMSprop's rule as an optax transformation."""

    def init_leaf(p, hp):
        s = {"step": _step0(), "square_avg": _zeros(p)}
        if momentum > 0:
            s["momentum_buffer"] = _zeros(p)
        if centered:
            s["grad_avg"] = _zeros(p)
        return s

    hp = dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum)
    flags = dict(maximize=maximize, has_wd=weight_decay != 0, has_momentum=momentum > 0, centered=centered)
    return rule_transformation(rmsprop_rule, init_leaf, hp, flags)


def rprop(lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *, maximize=False):
    """torch.optim.Rprop's rule as an optax transformation."""

    def init_leaf(p, hp):
        return {"step": _step0(), "prev": _zeros(p), "step_size": jnp.full_like(p, hp["lr"])}

    hp = dict(lr=lr, etaminus=etas[0], etaplus=etas[1], step_size_min=step_sizes[0], step_size_max=step_sizes[1])
    return rule_transformation(rprop_rule, init_leaf, hp, dict(maximize=maximize))


def asgd(lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0.0, *, maximize=False):
    """torch.optim.ASGD's rule as an optax transformation."""

    def init_leaf(p, hp):
        return {"step": _step0(), "eta": jnp.asarray(hp["lr"], F32), "mu": jnp.ones((), F32), "ax": _zeros(p)}

    hp = dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay)
    return rule_transformation(asgd_rule, init_leaf, hp, dict(maximize=maximize, has_wd=weight_decay != 0))


def adafactor(lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0, weight_decay=0.0, *, maximize=False):
    """torch.optim.Adafactor's rule as an optax transformation (factored second moment for ndim > 1)."""

    def init_leaf(p, hp):
        if p.ndim > 1:
            return {
                "step": _step0(),
                "row_var": jnp.zeros((*p.shape[:-1], 1), p.dtype),
                "col_var": jnp.zeros((*p.shape[:-2], 1, p.shape[-1]), p.dtype),
            }
        return {"step": _step0(), "variance": _zeros(p)}

    hp = dict(
        lr=lr,
        beta2_decay=beta2_decay,
        eps1=0.0 if eps[0] is None else eps[0],
        eps2=eps[1],
        d=d,
        weight_decay=weight_decay,
    )
    flags = dict(maximize=maximize, has_wd=weight_decay != 0, eps1_default=eps[0] is None)
    return rule_transformation(adafactor_rule, init_leaf, hp, flags)


def muon(
    lr=1e-3,
    weight_decay=0.1,
    momentum=0.95,
    nesterov=True,
    ns_coefficients=(3.4445, -4.775, 2.0315),
    eps=1e-7,
    ns_steps=5,
    adjust_lr_fn=None,
):
    """torch.optim.Muon's rule (2-D parameters only) as an optax transformation."""

    def init_leaf(p, hp):
        return {"momentum_buffer": _zeros(p)}

    a, b, c = ns_coefficients
    hp = dict(lr=lr, weight_decay=weight_decay, momentum=momentum, ns_a=a, ns_b=b, ns_c=c, eps=eps)
    flags = dict(nesterov=nesterov, ns_steps=ns_steps, adjust_lr_fn=adjust_lr_fn)
    return rule_transformation(muon_rule, init_leaf, hp, flags)


@functools.lru_cache(maxsize=None)
def compiled_group_step(rule: Callable, flags: tuple, donate: bool = False):
    """The jitted per-group update ``(params, grads, states, hyperparams) -> (params, states)``.

    Cached per rule and static flags; jax.jit caches per structure, shapes and dtypes. Hyperparameters
    are traced float64 scalars, so new values (a scheduler's lr) reuse the compiled program. The
    Optimizer takes the rule's new parameter directly (no ``p + (new_p - p)`` round trip). With
    ``donate`` the old parameter and state buffers are given to XLA to write the new values into
    (an in-place update, as torch's; about 2x faster for a memory-bound step on CPU).
    """
    kw = dict(flags)

    def step(params, grads, states, hp):
        outs = [rule(p, g, s, hp, **kw) for p, g, s in zip(params, grads, states)]
        return tuple(o[0] for o in outs), tuple(o[1] for o in outs)

    return jax.jit(step, donate_argnums=(0, 2) if donate else ())
