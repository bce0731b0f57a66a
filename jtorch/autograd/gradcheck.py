"""torch.autograd.gradcheck / gradgradcheck: central finite differences against jtorch's backward.

The slow (full Jacobian) mode of torch's checker for real inputs: every input element is perturbed
by ``+-eps`` in place and the numerical Jacobian compared with the rows that ``autograd.grad``
gives for every output element, ``allclose(analytical, numerical, rtol, atol)``. ``fast_mode``
computes the same full check. Complex inputs and forward-mode checks raise NotImplementedError.
"""

from __future__ import annotations

import warnings

import jtorch

__all__ = ["gradcheck", "gradgradcheck", "GradcheckError"]


class GradcheckError(RuntimeError):
    """Raised by gradcheck and gradgradcheck on a mismatch (torch's class of the same name)."""


def _as_tuple(x) -> tuple:
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _differentiable_outputs(out) -> tuple:
    return tuple(o for o in _as_tuple(out) if isinstance(o, jtorch.Tensor) and o.requires_grad)


def _check_inputs(inputs: tuple) -> None:
    if not any(isinstance(t, jtorch.Tensor) and t.requires_grad for t in inputs):
        raise ValueError(
            "gradcheck expects at least one input tensor to require gradient, but none of the them have requires_grad=True."
        )
    for idx, t in enumerate(inputs):
        if isinstance(t, jtorch.Tensor) and t.requires_grad:
            if t.is_complex():
                raise NotImplementedError("jtorch's gradcheck does not check complex inputs yet")
            if t.dtype is not jtorch.float64:
                warnings.warn(  # noqa: B028 - torch warns with the default stacklevel
                    f"Input #{idx} requires gradient and is not a double precision floating point or complex. "
                    "This check will likely fail if all the inputs are not of double precision floating point or complex. "
                )


def _fail(msg: str, raise_exception: bool) -> bool:
    if raise_exception:
        raise GradcheckError(msg)
    return False


def _outputs_flat(func, inputs) -> list:
    with jtorch.enable_grad():  # func may differentiate inside (gradgradcheck's function does)
        outs = _as_tuple(func(*inputs))
    return [o.detach().reshape(-1).clone() for o in outs if isinstance(o, jtorch.Tensor)]


def _numerical_jacobian(func, inputs: tuple, eps: float) -> list:
    """jac[i][j]: (numel of input j, numel of output i) central differences."""
    tensor_outs = [o for o in _as_tuple(func(*inputs)) if isinstance(o, jtorch.Tensor)]
    diff = [k for k, t in enumerate(inputs) if isinstance(t, jtorch.Tensor) and t.requires_grad]
    jac = [[None] * len(inputs) for _ in tensor_outs]
    with jtorch.no_grad():
        for j in diff:
            x = inputs[j]
            cols = []
            flat = x.data.reshape(-1)
            for e in range(x.numel()):
                orig = flat[e].item()
                flat[e] = orig - eps
                lo = _outputs_flat(func, inputs)
                flat[e] = orig + eps
                hi = _outputs_flat(func, inputs)
                flat[e] = orig
                cols.append([(h - lo_) / (2 * eps) for h, lo_ in zip(hi, lo)])
            for i, out in enumerate(tensor_outs):
                col = [c[i] for c in cols]
                jac[i][j] = jtorch.stack(col, 0) if col else jtorch.zeros(0, out.numel(), dtype=out.dtype)
    return jac


def _analytical_jacobian(func, inputs: tuple) -> tuple:
    diff = [k for k, t in enumerate(inputs) if isinstance(t, jtorch.Tensor) and t.requires_grad]
    outs = [o for o in _as_tuple(func(*inputs)) if isinstance(o, jtorch.Tensor)]
    jac = [[None] * len(inputs) for _ in outs]
    for i, out in enumerate(outs):
        rows = {j: [] for j in diff}
        for e in range(out.numel()):
            if out.requires_grad:
                g = jtorch.zeros_like(out).reshape(-1)
                g[e] = 1
                grads = jtorch.autograd.grad(
                    out, [inputs[j] for j in diff], g.view_as(out), retain_graph=True, allow_unused=True
                )
            else:
                grads = [None] * len(diff)
            for j, gr in zip(diff, grads):
                rows[j].append(
                    jtorch.zeros(inputs[j].numel(), dtype=out.dtype) if gr is None else gr.reshape(-1).to(out.dtype)
                )
        for j in diff:
            # (numel of input j, numel of output i), as the numerical one
            jac[i][j] = jtorch.stack(rows[j], 1) if rows[j] else jtorch.zeros(inputs[j].numel(), 0, dtype=out.dtype)
    return jac


def gradcheck(
    func,
    inputs,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    nondet_tol: float = 0.0,
    check_undefined_grad: bool = True,
    check_grad_dtypes: bool = False,
    check_batched_grad: bool = False,
    check_batched_forward_grad: bool = False,
    check_forward_ad: bool = False,
    check_backward_ad: bool = True,
    fast_mode: bool = False,
    masked: bool | None = None,
) -> bool:
    """Check ``func``'s analytical gradients against finite differences w.r.t. tensor ``inputs``
    that require grad. Returns True, or raises GradcheckError (False with ``raise_exception=False``)."""
    if check_forward_ad or check_batched_forward_grad:
        raise NotImplementedError("gradcheck(check_forward_ad=True): jtorch has no forward-mode AD on the tape")
    inputs = _as_tuple(inputs)
    _check_inputs(inputs)
    if not check_backward_ad:
        return True
    numerical = _numerical_jacobian(func, inputs, eps)
    analytical = _analytical_jacobian(func, inputs)
    for i, (n_row, a_row) in enumerate(zip(numerical, analytical)):
        for j, (n, a) in enumerate(zip(n_row, a_row)):
            if n is None:
                continue
            if check_grad_dtypes and a.dtype is not inputs[j].dtype:
                return _fail("Gradient has dtype mismatch", raise_exception)
            if not jtorch.allclose(a, n.to(a.dtype), rtol, atol):
                return _fail(
                    f"Jacobian mismatch for output {i} with respect to input {j},\nnumerical:{n}\nanalytical:{a}\n",
                    raise_exception,
                )
    return True


def gradgradcheck(
    func,
    inputs,
    grad_outputs=None,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    gen_non_contig_grad_outputs: bool = False,
    raise_exception: bool = True,
    nondet_tol: float = 0.0,
    check_undefined_grad: bool = True,
    check_grad_dtypes: bool = False,
    check_batched_grad: bool = False,
    check_fwd_over_rev: bool = False,
    check_rev_over_rev: bool = True,
    fast_mode: bool = False,
    masked: bool = False,
) -> bool:
    """gradcheck of the backward: the gradients of ``func`` (with ``create_graph=True``) w.r.t.
    its inputs and ``grad_outputs`` (random, requiring grad, when not given)."""
    inputs = _as_tuple(inputs)
    if grad_outputs is None:
        outs = _differentiable_outputs(func(*inputs))
        grad_outputs = tuple(jtorch.randn(o.shape, dtype=o.dtype).requires_grad_() for o in outs)
    grad_outputs = _as_tuple(grad_outputs)
    n_in = len(inputs)
    diff = [k for k, t in enumerate(inputs) if isinstance(t, jtorch.Tensor) and t.requires_grad]

    def new_func(*args):
        ins, gos = args[:n_in], args[n_in:]
        outs = _differentiable_outputs(func(*ins))
        grads = jtorch.autograd.grad(outs, [ins[k] for k in diff], gos, create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(
        new_func,
        inputs + grad_outputs,
        eps=eps,
        atol=atol,
        rtol=rtol,
        raise_exception=raise_exception,
        check_grad_dtypes=check_grad_dtypes,
    )
