"""torch.distributed.checkpoint.state_dict: model and optimizer state dicts keyed by parameter FQNs.

``get_state_dict(model, optimizers)`` returns ``(model_sd, optim_sd)`` where the optimizer's
``state`` and ``param_groups[i]["params"]`` use parameter FQNs (``"0.weight"``) instead of torch's
integer ids, so a checkpoint does not depend on the order parameters were handed to the optimizer.
Wrapper prefixes (``module.`` of DistributedDataParallel, ``_orig_mod.`` of a compiled module,
``_checkpoint_wrapped_module.``) are dropped from FQNs as torch does. Mirrors torch's file for the
single-process (non-FSDP) path; FSDP-only options raise NotImplementedError.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from itertools import chain
from typing import Any

import jax

from jtorch.autograd.grad_mode import no_grad

__all__ = [
    "StateDictOptions",
    "get_model_state_dict",
    "get_optimizer_state_dict",
    "get_state_dict",
    "set_model_state_dict",
    "set_optimizer_state_dict",
    "set_state_dict",
]

_STATE, _PG, _PARAMS = "state", "param_groups", "params"
_CHECKPOINT_PREFIX = "_checkpoint_wrapped_module."
_WRAPPER_ATTRS = {"DistributedDataParallel": "module", "OptimizedModule": "_orig_mod"}


@dataclass
class StateDictOptions:
    """How get_state_dict/set_state_dict work (torch's fields and defaults).

    ``full_state_dict``: sharded tensors come back replicated on their mesh (every device holds the
    whole value). ``cpu_offload``: tensors are copied to the CPU. ``ignore_frozen_params``: drop
    parameters with ``requires_grad=False``. ``strict``: passed to ``load_state_dict``.
    ``broadcast_from_rank0`` and ``flatten_optimizer_state_dict`` are not supported.
    """

    full_state_dict: bool = False
    cpu_offload: bool = False
    ignore_frozen_params: bool = False
    keep_submodule_prefixes: bool = True
    strict: bool = True
    broadcast_from_rank0: bool = False
    flatten_optimizer_state_dict: bool = False
    dsd_fqn_modifiers: str = "_fqn_modifiers"


def _verify_options(optims, optim_only: bool, options: StateDictOptions | None) -> StateDictOptions:
    if optim_only and not optims:
        raise RuntimeError("Optimizers are not passed in but optim_only is set to True.")
    options = options or StateDictOptions()
    if options.broadcast_from_rank0:
        raise NotImplementedError("StateDictOptions(broadcast_from_rank0=True) is not supported by jtorch")
    if options.flatten_optimizer_state_dict:
        raise NotImplementedError("StateDictOptions(flatten_optimizer_state_dict=True) is not supported by jtorch")
    return options


def _get_fqn(model, name: str) -> str:
    """The canonical FQN of a state-dict key: wrapper prefixes removed."""
    name = name.replace(_CHECKPOINT_PREFIX, "")
    parts, out, cur = name.split("."), [], model
    for part in parts:
        wrapper = _WRAPPER_ATTRS.get(type(cur).__name__)
        if wrapper == part:
            cur = getattr(cur, part)
            continue
        out.append(part)
        cur = getattr(cur, part, None)
    return ".".join(out)


def _optimizers(optimizers) -> tuple:
    from jtorch.optim import Optimizer

    return (optimizers,) if isinstance(optimizers, Optimizer) else tuple(optimizers)


def _offload(state_dict, options: StateDictOptions):
    """full_state_dict / cpu_offload: copies of the tensors, replicated or on the CPU."""
    from jtorch._tensor import Tensor

    if not (options.full_state_dict or options.cpu_offload):
        return state_dict

    def move(t):
        if not isinstance(t, Tensor):
            return t
        arr = t._data
        if options.cpu_offload:
            arr = jax.device_put(arr, jax.devices("cpu")[0])
        elif len(arr.sharding.device_set) > 1 and not arr.sharding.is_fully_replicated:
            mesh = getattr(arr.sharding, "mesh", None)
            if mesh is not None:
                arr = jax.device_put(arr, jax.sharding.NamedSharding(mesh, jax.sharding.PartitionSpec()))
        return Tensor._wrap(arr)

    def walk(o):  # jax.tree_util would sort plain dicts' keys; torch's order is kept here
        if isinstance(o, dict):
            out = type(o)() if type(o) is not dict else {}
            for k, v in o.items():
                out[k] = walk(v)
            return out
        if type(o) in (list, tuple):
            return type(o)(walk(v) for v in o)
        return move(o)

    return walk(state_dict)


def _get_model_state_dict(model, options: StateDictOptions, submodules=None) -> dict[str, Any]:
    state_dict = model.state_dict()
    for key in list(state_dict.keys()):
        fqn = _get_fqn(model, key)
        if fqn != key:
            state_dict[fqn] = state_dict.pop(key)
    if submodules:
        prefixes = {f"{_get_fqn(model, name)}." for name, m in model.named_modules() if m in submodules}
        kept = {}
        for fqn, v in state_dict.items():
            for prefix in prefixes:
                if fqn.startswith(prefix):
                    kept[fqn if options.keep_submodule_prefixes else fqn[len(prefix) :]] = v
        state_dict = kept
    if options.ignore_frozen_params:
        for key, param in model.named_parameters():
            if not param.requires_grad:
                state_dict.pop(_get_fqn(model, key), None)
    return _offload(state_dict, options)


def _init_optim_state(optim) -> None:
    """Create the optimizer's lazily-built state by a step with zero grads and lr 0 (as torch does)."""
    from jtorch._ops.creation import tensor as _tensor
    from jtorch._tensor import Tensor

    if optim.state:
        return
    for group in optim.param_groups:
        for p in group[_PARAMS]:
            if p.grad is not None:
                return
    import jtorch

    for group in optim.param_groups:
        for p in group[_PARAMS]:
            if p.requires_grad:
                p.grad = jtorch.zeros_like(p)
    lrs = []
    for group in optim.param_groups:
        if "lr" in group:
            lrs.append(group["lr"])
            group["lr"] = _tensor(0.0) if isinstance(group["lr"], Tensor) else 0.0
    optim.step(closure=None)
    for group in optim.param_groups:
        if "lr" in group:
            group["lr"] = lrs.pop(0)
    optim.zero_grad(set_to_none=True)


def _fqn_pid_mapping(model, optim) -> dict:
    params = list(chain.from_iterable(g[_PARAMS] for g in optim.param_groups))
    pid_of = {id(p): i for i, p in enumerate(params)}
    mapping: dict = {}
    for key, param in model.named_parameters():
        if id(param) not in pid_of:
            continue
        fqn, pid = _get_fqn(model, key), pid_of[id(param)]
        mapping[fqn], mapping[pid] = pid, fqn
    return mapping


def _get_optim_state_dict(model, optimizers, options: StateDictOptions) -> dict[str, Any]:
    out: dict[str, Any] = {_STATE: {}, _PG: []}
    for optim in optimizers:
        _init_optim_state(optim)
        osd = optim.state_dict()
        mapping = _fqn_pid_mapping(model, optim)
        for key in list(osd[_STATE].keys()):
            osd[_STATE][mapping[key]] = osd[_STATE].pop(key)
        for group in osd[_PG]:
            group[_PARAMS] = [mapping[pid] for pid in group[_PARAMS]]
        out[_STATE].update(osd[_STATE])
        out[_PG].extend(osd[_PG])
    return _offload(out, options)


def _verify_state_dict(model_sd, optim_sd, options: StateDictOptions, handle_model: bool, handle_optim: bool):
    if (
        handle_model
        and not model_sd
        and not options.ignore_frozen_params
        and options.strict
        and not (options.cpu_offload and options.full_state_dict)
    ):  # noqa: E501
        raise RuntimeError(
            "The option indicates that model state_dict is required to save or load, but model state_dict is "
            f"empty.rank = dist.get_rank()={jax.process_index()}."
        )
    if handle_optim and not optim_sd and not (options.cpu_offload and options.full_state_dict):
        raise RuntimeError(
            f"The option indicates that model state_dict is required to save, or load but optim state_dict is empty. {optim_sd}"  # noqa: E501
        )


def get_model_state_dict(model, *, submodules=None, options: StateDictOptions | None = None) -> dict[str, Any]:
    """The model's state dict keyed by canonical FQNs."""
    if submodules:
        warnings.warn(
            "Getting submodules only model/optim state_dict is deprecated and will be removed in 2.5. This feature "
            "can be achieved by manually filtering out the state_dict returned from get_state_dict.",
            FutureWarning,
            stacklevel=2,
        )
    options = _verify_options((), False, options)
    with no_grad():
        model_sd = _get_model_state_dict(model, options, submodules)
    _verify_state_dict(model_sd, {}, options, True, False)
    return model_sd


def get_optimizer_state_dict(
    model, optimizers, *, submodules=None, options: StateDictOptions | None = None
) -> dict[str, Any]:  # noqa: E501
    """The optimizers' state dict with parameter FQNs as keys (state created first if still empty)."""
    optimizers = _optimizers(optimizers)
    options = _verify_options(optimizers, True, options)
    optim_sd = _get_optim_state_dict(model, optimizers, options)
    _verify_state_dict({}, optim_sd, options, False, True)
    return optim_sd


def get_state_dict(
    model, optimizers, *, submodules=None, options: StateDictOptions | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:  # noqa: E501
    """``(get_model_state_dict(model), get_optimizer_state_dict(model, optimizers))``."""
    optimizers = _optimizers(optimizers)
    options = _verify_options(optimizers, False, options)
    with no_grad():
        model_sd = _get_model_state_dict(model, options, submodules)
    optim_sd = _get_optim_state_dict(model, optimizers, options)
    _verify_state_dict(model_sd, optim_sd, options, True, len(optimizers) > 0)
    return model_sd, optim_sd


def _load_model_state_dict(model, state_dict: dict[str, Any], options: StateDictOptions):
    from jtorch.nn.modules.module import _IncompatibleKeys

    if not state_dict:
        return _IncompatibleKeys([], [])
    state_dict = dict(state_dict)
    for key in model.state_dict().keys():
        fqn = _get_fqn(model, key)
        if fqn != key:
            value = state_dict.pop(fqn, None)
            if value is None:
                if options.strict:
                    raise RuntimeError(f"Missing key: {fqn}.")
            else:
                state_dict[key] = value
    with no_grad():
        return model.load_state_dict(state_dict, strict=options.strict)


def _split_optim_state_dict(
    model, optim, optim_state_dict: dict[str, Any], options: StateDictOptions
) -> dict[str, Any]:  # noqa: E501
    """The part of an FQN-keyed optimizer state dict that belongs to ``optim``."""
    if all(isinstance(k, int) for k in optim_state_dict[_STATE]):
        return optim_state_dict
    fqn_of = {id(p): _get_fqn(model, k) for k, p in model.named_parameters(remove_duplicate=False)}
    state: dict[str, Any] = {}
    pg_state: list[dict[str, Any]] = []
    pg_mapping: dict[int, int] = {}
    for group in optim.param_groups:
        pg_state.append({_PARAMS: []})
        for param in group[_PARAMS]:
            fqn = fqn_of[id(param)]
            pg_state[-1][_PARAMS].append(fqn)
            if param.requires_grad:
                if fqn in optim_state_dict[_STATE]:
                    state[fqn] = optim_state_dict[_STATE][fqn]
                elif options.strict:
                    raise RuntimeError(
                        f"Missing optimizer state for parameter '{fqn}' in checkpoint. The parameter requires "
                        "gradients but has no saved optimizer state. To load anyway, use StateDictOptions(strict=False)."
                    )
            for loaded in optim_state_dict[_PG]:
                if fqn in loaded[_PARAMS]:
                    pg_mapping[id(loaded)] = len(pg_state) - 1
    for loaded in optim_state_dict[_PG]:
        idx = pg_mapping.get(id(loaded), -1)
        if idx == -1:
            continue
        for key, value in loaded.items():
            if key != _PARAMS:
                pg_state[idx][key] = value
    return {_STATE: state, _PG: pg_state}


def _load_optim_state_dict(model, optimizers, state_dict: dict[str, Any], options: StateDictOptions) -> None:
    for optim in optimizers:
        _init_optim_state(optim)
        osd = _split_optim_state_dict(model, optim, state_dict, options) if state_dict else {}
        optim.load_state_dict(osd)


def set_model_state_dict(model, model_state_dict: dict[str, Any], *, options: StateDictOptions | None = None):
    """Load an FQN-keyed model state dict; returns ``load_state_dict``'s missing/unexpected keys."""
    options = _verify_options((), False, options)
    _verify_state_dict(model_state_dict, {}, options, True, False)
    return _load_model_state_dict(model, model_state_dict, options)


def set_optimizer_state_dict(
    model, optimizers, optim_state_dict: dict[str, Any], *, options: StateDictOptions | None = None
) -> None:  # noqa: E501
    """Load an FQN-keyed optimizer state dict (as returned by ``get_optimizer_state_dict``)."""
    optimizers = _optimizers(optimizers)
    options = _verify_options(optimizers, True, options)
    _verify_state_dict({}, optim_state_dict, options, False, True)
    _load_optim_state_dict(model, optimizers, optim_state_dict, options)


def set_state_dict(
    model,
    optimizers,
    *,
    model_state_dict: dict[str, Any],
    optim_state_dict: dict[str, Any],
    options: StateDictOptions | None = None,
):  # noqa: E501
    """Load both; returns the model's missing/unexpected keys."""
    optimizers = _optimizers(optimizers)
    options = _verify_options(optimizers, not model_state_dict, options)
    _verify_state_dict(model_state_dict, optim_state_dict, options, bool(model_state_dict), len(optimizers) > 0)
    _load_optim_state_dict(model, optimizers, optim_state_dict, options)
    return _load_model_state_dict(model, model_state_dict, options)
