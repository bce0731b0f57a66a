"""Process-wide switches torch scripts commonly set: matmul precision and deterministic algorithms."""

from __future__ import annotations

import warnings

import jax

_PRECISIONS = {"highest": "highest", "high": "high", "medium": "bfloat16"}
_state = {"matmul_precision": "highest", "deterministic": False, "warn_only": False}


def set_float32_matmul_precision(precision: str) -> None:
    """torch.set_float32_matmul_precision: maps to JAX's ``jax_default_matmul_precision``.

    "highest" computes float32 matmuls in float32, "high" may use three bfloat16 passes (TF32-like),
    "medium" one bfloat16 pass; on CPU XLA computes in float32 whatever the setting, as torch does.
    """
    if precision not in _PRECISIONS:
        warnings.warn(
            f"{precision} is not one of 'highest', 'high', or 'medium'; the currentsetFloat32MatmulPrecision call "
            "has no effect.",
            UserWarning,
            stacklevel=2,
        )
        return
    _state["matmul_precision"] = precision
    jax.config.update("jax_default_matmul_precision", _PRECISIONS[precision])


def get_float32_matmul_precision() -> str:
    return _state["matmul_precision"]


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """torch.use_deterministic_algorithms: recorded; XLA's CPU kernels are deterministic already."""
    if not isinstance(mode, bool):
        raise TypeError(
            f"_set_deterministic_algorithms(): argument 'mode' (position 1) must be bool, not {type(mode).__name__}"
        )
    if not isinstance(warn_only, bool):
        raise TypeError(
            "_set_deterministic_algorithms(): argument 'warn_only' must be bool, not " + type(warn_only).__name__
        )
    _state["deterministic"] = mode
    _state["warn_only"] = warn_only


def are_deterministic_algorithms_enabled() -> bool:
    return _state["deterministic"]


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    return _state["warn_only"]
