"""torch.func over JAX's transforms.

A jtorch Tensor is a JAX pytree (one array leaf), so ``jax.grad``, ``jax.vmap``, ``jax.jvp`` ...
take functions of tensors directly: inside, jtorch ops run on tracers. Each transform here only
unwraps the returned tensors into arrays for JAX and wraps JAX's results back.
"""

from __future__ import annotations

from typing import Any, Callable

import jax

from jtorch._tensor import Tensor

__all__ = ["functional_call", "grad", "grad_and_value", "vjp", "jvp", "jacrev", "jacfwd", "hessian", "vmap"]


def _is_tensor(x) -> bool:
    return isinstance(x, Tensor)


def _arrays(tree):
    """Tensors -> arrays (what JAX transforms return and differentiate)."""
    return jax.tree_util.tree_map(lambda t: t._data if _is_tensor(t) else t, tree, is_leaf=_is_tensor)


def _tensors(tree):
    """Arrays -> tensors (what a torch.func caller gets back)."""
    return jax.tree_util.tree_map(lambda a: Tensor._wrap(a) if isinstance(a, jax.Array) else a, tree)


def _scalar_output(out, has_aux):
    if has_aux:
        if not (isinstance(out, tuple) and len(out) == 2):
            raise RuntimeError(
                "grad_and_value(f)(*args): output of function f should be a tuple: (output, aux) if has_aux is True"
            )
        out, aux = out
    else:
        aux = None
    if not _is_tensor(out):
        raise RuntimeError(f"grad_and_value(f)(*args): Expected f(*args) to return a Tensor, got {type(out)}")
    if out.numel() != 1:
        raise RuntimeError(
            f"grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got tensor with {out.dim()} dims. Maybe you wanted to use the vjp or jacrev APIs instead?"
        )
    return out._data.reshape(()), aux


def grad_and_value(func: Callable, argnums: int | tuple = 0, has_aux: bool = False) -> Callable:
    def wrapper(*args, **kwargs):
        def f(*a):
            out, aux = _scalar_output(func(*_tensors(a), **kwargs), has_aux)
            return out, _arrays(aux)

        (value, aux), grads = jax.value_and_grad(f, argnums=argnums, has_aux=True)(*_arrays(args))
        grads, value = _tensors(grads), Tensor._wrap(value)
        if has_aux:
            return grads, (value, _tensors(aux))
        return grads, value

    return wrapper


def grad(func: Callable, argnums: int | tuple = 0, has_aux: bool = False) -> Callable:
    def wrapper(*args, **kwargs):
        g, value = grad_and_value(func, argnums, has_aux)(*args, **kwargs)
        return (g, value[1]) if has_aux else g

    return wrapper


def vjp(func: Callable, *primals, has_aux: bool = False):
    def f(*a):
        out = func(*_tensors(a))
        if has_aux:
            out, aux = out
            return _arrays(out), _arrays(aux)
        return _arrays(out)

    if has_aux:
        out, pullback, aux = jax.vjp(f, *_arrays(primals), has_aux=True)
    else:
        out, pullback = jax.vjp(f, *_arrays(primals))

    def vjp_fn(*cotangents):
        ct = cotangents[0] if len(cotangents) == 1 else cotangents
        return _tensors(pullback(_arrays(ct)))

    return (_tensors(out), vjp_fn, _tensors(aux)) if has_aux else (_tensors(out), vjp_fn)


def jvp(func: Callable, primals: tuple, tangents: tuple, *, strict: bool = False, has_aux: bool = False):
    def f(*a):
        out = func(*_tensors(a))
        if has_aux:
            out, aux = out
            return _arrays(out), _arrays(aux)
        return _arrays(out)

    if has_aux:
        out, tan, aux = jax.jvp(f, tuple(_arrays(primals)), tuple(_arrays(tangents)), has_aux=True)
        return _tensors(out), _tensors(tan), _tensors(aux)
    out, tan = jax.jvp(f, tuple(_arrays(primals)), tuple(_arrays(tangents)))
    return _tensors(out), _tensors(tan)


def _jac(transform, func, argnums, has_aux):
    def wrapper(*args):
        def f(*a):
            out = func(*_tensors(a))
            if has_aux:
                out, aux = out
                return _arrays(out), _arrays(aux)
            return _arrays(out)

        res = transform(f, argnums=argnums, has_aux=has_aux)(*_arrays(args))
        return (_tensors(res[0]), _tensors(res[1])) if has_aux else _tensors(res)

    return wrapper


def jacrev(
    func: Callable, argnums: int | tuple = 0, *, has_aux: bool = False, chunk_size=None, _preallocate_and_copy=False
) -> Callable:
    return _jac(jax.jacrev, func, argnums, has_aux)


def jacfwd(func: Callable, argnums: int | tuple = 0, has_aux: bool = False, *, randomness: str = "error") -> Callable:
    return _jac(jax.jacfwd, func, argnums, has_aux)


def hessian(func: Callable, argnums: int | tuple = 0) -> Callable:
    return jacfwd(jacrev(func, argnums), argnums)


def vmap(
    func: Callable, in_dims: Any = 0, out_dims: Any = 0, randomness: str = "error", *, chunk_size=None
) -> Callable:
    """torch.func.vmap: ``func`` sees one example; jtorch ops inside run on JAX's batched tracers."""

    def wrapper(*args, **kwargs):
        def f(*a):
            return _arrays(func(*_tensors(a), **kwargs))

        return _tensors(jax.vmap(f, in_axes=in_dims, out_axes=out_dims)(*_arrays(args)))

    return wrapper


def functional_call(
    module, parameter_and_buffer_dicts, args=None, kwargs=None, *, tie_weights: bool = True, strict: bool = False
):
    """Call ``module`` with its parameters and buffers replaced by the given tensors (by name)."""
    dicts = (
        parameter_and_buffer_dicts
        if isinstance(parameter_and_buffer_dicts, (list, tuple))
        else [parameter_and_buffer_dicts]
    )
    merged: dict = {}
    for d in dicts:
        for k, v in d.items():
            if k in merged:
                raise ValueError(f"{k} appeared in multiple dictionaries; behavior of functional call is ambiguous")
            merged[k] = v
    named = dict(module.named_parameters(remove_duplicate=False))
    named.update(dict(module.named_buffers(remove_duplicate=False)))
    if strict:
        missing = sorted(set(named) - set(merged))
        unexpected = sorted(set(merged) - set(named))
        if missing or unexpected:
            raise RuntimeError(
                f"Error(s) in reparametrizing for {type(module).__name__}:\n\tMissing key(s): {missing}.\n\tUnexpected key(s): {unexpected}."
            )
    if tie_weights:  # a tied tensor given under one name replaces it under all its names
        by_id = {id(named[k]): v for k, v in merged.items() if k in named}
        for k, t in named.items():
            if k not in merged and id(t) in by_id:
                merged[k] = by_id[id(t)]
    swapped = []
    try:
        for name, value in merged.items():
            prefix, _, attr = name.rpartition(".")
            mod = module.get_submodule(prefix) if prefix else module
            table = mod._parameters if attr in mod._parameters else mod._buffers if attr in mod._buffers else None
            if table is None:
                raise AttributeError(f"{type(mod).__name__} has no parameter or buffer named {attr!r}")
            swapped.append((table, attr, table[attr]))
            table[attr] = value
        args = () if args is None else (args if isinstance(args, tuple) else (args,))
        return module(*args, **(kwargs or {}))
    finally:
        for table, attr, old in reversed(swapped):
            table[attr] = old
