"""Tensor printing, following torch/_tensor_str.py's algorithm so ``repr`` strings are identical.

Printing is not an op: it reads the values once as a numpy array (floats widened to float64, which
is exact for every float dtype, as torch's ``tolist`` gives Python floats) and formats them with the
same rules torch uses: int mode (``1.``), fixed (``1.5000``) or scientific (``1.0000e-05``) chosen
from the non-zero finite values, ``linewidth`` wrapping, summarization with ``...`` over
``threshold`` elements, and the ``dtype=``/``device=``/``grad_fn=`` suffixes. numpy's own
``array2string`` picks formats differently (per-element precision trimming), so it is not used.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from jtorch import _dtype


@dataclasses.dataclass
class _PrinterOptions:
    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


PRINT_OPTS = _PrinterOptions()


def set_printoptions(
    precision: int | None = None,
    threshold: float | None = None,
    edgeitems: int | None = None,
    linewidth: int | None = None,
    profile: str | None = None,
    sci_mode: bool | None = None,
) -> None:
    """torch.set_printoptions: precision, threshold, edgeitems, linewidth, profile, sci_mode."""
    if profile is not None:
        if profile == "default":
            PRINT_OPTS.precision, PRINT_OPTS.threshold, PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth = 4, 1000, 3, 80
        elif profile == "short":
            PRINT_OPTS.precision, PRINT_OPTS.threshold, PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth = 2, 1000, 2, 80
        elif profile == "full":
            PRINT_OPTS.precision, PRINT_OPTS.threshold, PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth = 4, math.inf, 3, 80
    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    PRINT_OPTS.sci_mode = sci_mode  # as in torch: not passing sci_mode resets it to automatic


def get_printoptions() -> dict[str, Any]:
    """The current options as keyword arguments for :func:`set_printoptions`."""
    return dataclasses.asdict(PRINT_OPTS)


@contextlib.contextmanager
def printoptions(**kwargs):
    """Temporarily change the print options."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


class _Formatter:
    """Chooses int/fixed/scientific mode and the column width from the values (flat numpy array)."""

    def __init__(self, values: np.ndarray, floating: bool):
        self.floating_dtype = floating
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        flat = values.reshape(-1)
        if not floating:
            for v in flat.tolist():
                self.max_width = max(self.max_width, len(f"{v}"))
            return
        vals = flat[np.isfinite(flat) & (flat != 0)]
        if vals.size == 0:
            return
        absv = np.abs(vals)
        vmin, vmax = absv.min(), absv.max()
        self.int_mode = bool(np.all(vals == np.ceil(vals)))
        if PRINT_OPTS.sci_mode is None:
            self.sci_mode = bool(vmax / vmin > 1000.0 or vmax > 1.0e8 or vmin < 1.0e-4)
        else:
            self.sci_mode = PRINT_OPTS.sci_mode
        p = PRINT_OPTS.precision
        for v in vals.tolist():
            if self.sci_mode:
                w = len(f"{v:.{p}e}")
            elif self.int_mode:
                w = len(f"{v:.0f}") + 1  # room for the trailing '.'
            else:
                w = len(f"{v:.{p}f}")
            self.max_width = max(self.max_width, w)

    def width(self) -> int:
        return self.max_width

    def format(self, value) -> str:
        if self.floating_dtype:
            if self.sci_mode:
                ret = f"{value:{self.max_width}.{PRINT_OPTS.precision}e}"
            elif self.int_mode:
                ret = f"{value:.0f}"
                if not (math.isinf(value) or math.isnan(value)):
                    ret += "."
            else:
                ret = f"{value:.{PRINT_OPTS.precision}f}"
        else:
            ret = f"{value}"
        return (self.max_width - len(ret)) * " " + ret


def _complex_str(val: complex, f1: _Formatter, f2: _Formatter) -> str:
    real_str = f1.format(val.real)
    imag_str = (f2.format(val.imag) + "j").lstrip()
    if imag_str[0] in "+-":  # negative numbers, -0.0
        return real_str + imag_str
    return real_str + "+" + imag_str


def _fmt(val, f1: _Formatter, f2: _Formatter | None) -> str:
    return f1.format(val) if f2 is None else _complex_str(val, f1, f2)


def _vector_str(a: np.ndarray, indent: int, cut: bool, f1: _Formatter, f2: _Formatter | None) -> str:
    element_length = f1.width() + 2
    if f2 is not None:
        element_length += f2.width() + 1
    per_line = max(1, math.floor((PRINT_OPTS.linewidth - indent) / element_length))
    e = PRINT_OPTS.edgeitems
    if cut and not e:
        data = ["..."]
    elif cut:
        data = [_fmt(v, f1, f2) for v in a[:e].tolist()] + [" ..."] + [_fmt(v, f1, f2) for v in a[e:].tolist()]
    else:
        data = [_fmt(v, f1, f2) for v in a.tolist()]
    lines = [", ".join(data[i : i + per_line]) for i in range(0, len(data), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _tensor_str_with_formatter(a: np.ndarray, indent: int, cut: tuple, f1: _Formatter, f2: _Formatter | None) -> str:
    """torch's recursion over rows; ``a`` holds only the shown edge items of each dimension ``cut[d]``."""
    dim = a.ndim
    if dim == 0:
        return _fmt(a.item(), f1, f2)
    if dim == 1:
        return _vector_str(a, indent, cut[0], f1, f2)
    e = PRINT_OPTS.edgeitems
    rows = list(range(a.shape[0]))
    if cut[0]:
        rows = rows[:e] + [None] + rows[e:]
    slices = ["..." if i is None else _tensor_str_with_formatter(a[i], indent + 1, cut[1:], f1, f2) for i in rows]
    return "[" + ("," + "\n" * (dim - 1) + " " * (indent + 1)).join(slices) + "]"


def _shown(arr, summarize: bool):
    """Keep the first and last ``edgeitems`` of every dimension longer than twice that (torch's
    get_summarized_data), slicing before the values leave the device. Returns (array, cut flags)."""
    e = PRINT_OPTS.edgeitems
    cut = []
    xp = np if isinstance(arr, np.ndarray) else jnp
    for d, n in enumerate(arr.shape):
        if summarize and n > 2 * e:
            head = (slice(None),) * d + (slice(0, e),)
            tail = (slice(None),) * d + (slice(n - e, n),)
            arr = xp.concatenate([arr[head], arr[tail]], axis=d)
            cut.append(True)
        else:
            cut.append(False)
    return arr, tuple(cut)


def _values(arr, dt: _dtype.dtype) -> np.ndarray:
    """Values as numpy: floats widened to float64, complex to complex128 (exact for every dtype)."""
    a = np.asarray(arr)
    if dt.is_complex:
        return a.astype(np.complex128)
    if dt.is_floating_point:
        return a.astype(np.float64)
    return a


def _tensor_str(t, indent: int) -> str:
    if t.numel() == 0:
        return "[]"
    arr = t._data
    summarize = t.numel() > PRINT_OPTS.threshold
    if summarize and _is_cpu(arr):
        arr = np.asarray(arr)  # zero-copy on the CPU backend
    shown, cut = _shown(arr, summarize)
    a = _values(shown, t.dtype)
    if t.dtype.is_complex:
        return _tensor_str_with_formatter(a, indent, cut, _Formatter(a.real, True), _Formatter(a.imag, True))
    return _tensor_str_with_formatter(a, indent, cut, _Formatter(a, t.dtype.is_floating_point), None)


def _is_cpu(arr) -> bool:
    try:
        return all(d.platform == "cpu" for d in arr.devices())
    except Exception:  # not a committed jax array
        return True


def _add_suffixes(tensor_str: str, suffixes: list, indent: int, force_newline: bool) -> str:
    parts = [tensor_str]
    last_line_len = len(tensor_str) - tensor_str.rfind("\n") + 1
    for suffix in suffixes:
        if force_newline or last_line_len + len(suffix) + 2 > PRINT_OPTS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + len(suffix)
            force_newline = False
        else:
            parts.append(", " + suffix)
            last_line_len += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def _is_plain(t) -> bool:
    from jtorch._tensor import Tensor

    if type(t) is Tensor:
        return True
    try:
        from jtorch.nn.parameter import Parameter
    except ImportError:
        return False
    return type(t) is Parameter


def _str(t, *, tensor_contents: str | None = None) -> str:
    """repr(tensor) exactly as torch prints it."""
    from jtorch.autograd.grad_mode import no_grad

    with no_grad():
        return _str_intern(t, tensor_contents)


def _str_intern(t, tensor_contents: str | None) -> str:
    prefix = "tensor(" if _is_plain(t) else f"{type(t).__name__}("
    indent = len(prefix)
    suffixes = []
    dev = t.device
    if dev.type != "cpu":  # the default device is always cpu in jtorch
        suffixes.append(f"device='{dev}'")
    default = _dtype.get_default_dtype()
    default_complex = _dtype.complex128 if default is _dtype.float64 else _dtype.complex64
    dt = t.dtype
    has_default_dtype = dt in (default, default_complex, _dtype.int64, _dtype.bool)
    if isinstance(t._data, jax.core.Tracer):
        # values are unknown while tracing (jtorch.compile / jax.jit): print like a torch meta tensor
        suffixes.append(f"size={tuple(t.shape)}")
        if dt is not default:
            suffixes.append(f"dtype={dt}")
        tensor_str = "..."
    elif t.numel() == 0:
        if t.ndim != 1:
            suffixes.append(f"size={tuple(t.shape)}")
        if dt is not default:
            suffixes.append(f"dtype={dt}")
        tensor_str = "[]"
    else:
        if not PRINT_OPTS.edgeitems:
            suffixes.append(f"size={tuple(t.shape)}")
        if not has_default_dtype:
            suffixes.append(f"dtype={dt}")
        tensor_str = _tensor_str(t, indent)
    if tensor_contents is not None:
        tensor_str = tensor_contents
    grad_fn = t.grad_fn
    if grad_fn is not None:
        suffixes.append(f"grad_fn=<{grad_fn.name()}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    return _add_suffixes(prefix + tensor_str, suffixes, indent, force_newline=False)
