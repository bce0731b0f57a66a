"""Pure JAX kernels of the recurrent layers (RNN/LSTM/GRU and their cells), run through ``dispatch.apply``.

A whole multi-layer, optionally bidirectional layer is ONE op: the time loop is a ``jax.lax.scan``
inside ``_rnn``, so autograd records one node whose backward is the cached jitted VJP of the scan.
Variable-length (packed) batches run on the padded ``(T, B, *)`` form with per-sequence lengths:
steps past a sequence's end keep its state and emit zeros, and the reverse direction reads each
sequence reversed within its own length, which is what cuDNN/ATen do for ``PackedSequence``.
These are internal helpers (torch's ``_VF.lstm`` etc. are not public), so ``__all__`` is empty.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

__all__: list[str] = []


def _cell_step(mode: str, gi, h, c, w_hh, b_hh, w_hr):
    """One time step given the precomputed input projection ``gi = x W_ih^T + b_ih``; returns (h, c)."""
    gh = h @ w_hh.T
    if b_hh is not None:
        gh = gh + b_hh
    if mode == "RNN_TANH":
        return jnp.tanh(gi + gh), c
    if mode == "RNN_RELU":
        return jax.nn.relu(gi + gh), c
    if mode == "GRU":
        ir, iz, inn = jnp.split(gi, 3, axis=-1)
        hr, hz, hn = jnp.split(gh, 3, axis=-1)
        r = jax.nn.sigmoid(ir + hr)
        z = jax.nn.sigmoid(iz + hz)
        n = jnp.tanh(inn + r * hn)
        return (1 - z) * n + z * h, c
    # LSTM: gates in torch's order (input, forget, cell, output)
    i, f, g, o = jnp.split(gi + gh, 4, axis=-1)
    c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
    h = jax.nn.sigmoid(o) * jnp.tanh(c)
    if w_hr is not None:
        h = h @ w_hr.T
    return h, c


def _run_direction(mode, x, h, c, w, lengths, reverse):
    """Scan one direction of one layer over ``x`` (T, B, I); returns (outputs (T, B, H), h_T, c_T)."""
    w_ih, w_hh, b_ih, b_hh, w_hr = w
    T = x.shape[0]
    if reverse:
        if lengths is None:
            x = x[::-1]
        else:  # reverse each sequence inside its own length (an involution: apply again to undo)
            t = jnp.arange(T)[:, None]
            rev = jnp.where(t < lengths[None, :], lengths[None, :] - 1 - t, t)
            x = jnp.take_along_axis(x, rev[:, :, None], axis=0)
    gi = x @ w_ih.T
    if b_ih is not None:
        gi = gi + b_ih
    valid = None if lengths is None else (jnp.arange(T)[:, None] < lengths[None, :])[:, :, None]

    def step(carry, inp):
        h, c = carry
        if valid is None:
            h2, c2 = _cell_step(mode, inp, h, c, w_hh, b_hh, w_hr)
            return (h2, c2), h2
        g, m = inp
        h2, c2 = _cell_step(mode, g, h, c, w_hh, b_hh, w_hr)
        h2 = jnp.where(m, h2, h)
        c2 = c2 if c is None else jnp.where(m, c2, c)
        return (h2, c2), jnp.where(m, h2, 0)

    (h, c), out = jax.lax.scan(step, (h, c), gi if valid is None else (gi, valid))
    if reverse:
        out = out[::-1] if lengths is None else jnp.take_along_axis(out, rev[:, :, None], axis=0)
    return out, h, c


def _rnn(x, hx, cx, lengths, masks, *flat, mode, num_layers, num_dirs, has_bias, has_proj):
    """The whole layer: ``x`` (T, B, I), ``hx`` (L*D, B, H_out), ``cx`` (L*D, B, H) or None.

    ``flat`` are torch's ``_flat_weights`` in order; ``masks`` (L-1, T, B, D*H_out) are the scaled
    inter-layer dropout masks or None. Returns (output, h_n) or (output, h_n, c_n) for LSTM."""
    per = 2 + (2 if has_bias else 0) + (1 if has_proj else 0)
    hs, cs = [], []
    for layer in range(num_layers):
        outs = []
        for d in range(num_dirs):
            k = layer * num_dirs + d
            p = flat[k * per : (k + 1) * per]
            w = (p[0], p[1], p[2] if has_bias else None, p[3] if has_bias else None, p[-1] if has_proj else None)
            out, h, c = _run_direction(mode, x, hx[k], None if cx is None else cx[k], w, lengths, d == 1)
            outs.append(out)
            hs.append(h)
            cs.append(c)
        x = outs[0] if num_dirs == 1 else jnp.concatenate(outs, axis=-1)
        if masks is not None and layer < num_layers - 1:
            x = x * masks[layer]
    if cx is None:
        return x, jnp.stack(hs)
    return x, jnp.stack(hs), jnp.stack(cs)


def _rnn_cell(x, h, c, w_ih, w_hh, b_ih, b_hh, *, mode):
    """One cell step on (B, I) input; returns h' (or (h', c') for LSTM)."""
    gi = x @ w_ih.T
    if b_ih is not None:
        gi = gi + b_ih
    h, c = _cell_step(mode, gi, h, c, w_hh, b_hh, None)
    return h if c is None else (h, c)


def _gather_rows(x, idx, fill):
    """``concat([x, fill_row])[idx]``: index ``len(x)`` reads a row of ``fill`` (padding)."""
    xz = jnp.concatenate([x, jnp.full((1,) + x.shape[1:], fill, x.dtype)], axis=0)
    return xz[idx]
