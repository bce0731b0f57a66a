"""Grad-mode switches: no_grad, enable_grad, set_grad_enabled, inference_mode (thread-local, as in torch)."""

from __future__ import annotations

import functools
import inspect
import sys
import threading
import warnings

_state = threading.local()


def is_grad_enabled() -> bool:
    return getattr(_state, "enabled", True)


def _set_enabled(mode: bool) -> None:
    _state.enabled = mode


def is_inference_mode_enabled() -> bool:
    return getattr(_state, "inference", False)


class _DecoratorContextManager:
    """Usable as ``with no_grad():``, as ``@no_grad()`` and as ``@no_grad``."""

    def __call__(self, func):
        if inspect.isclass(func) or not callable(func):
            raise TypeError(f"{type(self).__name__} can only decorate functions, got {func!r}")
        if inspect.isgeneratorfunction(func):

            @functools.wraps(func)
            def gen_wrapper(*args, **kwargs):
                # As torch: the mode is active only while the generator body runs.
                gen = func(*args, **kwargs)
                try:
                    with self.clone():
                        response = gen.send(None)
                    while True:
                        try:
                            request = yield response
                        except GeneratorExit:
                            with self.clone():
                                gen.close()
                            raise
                        except BaseException:
                            with self.clone():
                                response = gen.throw(*sys.exc_info())
                        else:
                            with self.clone():
                                response = gen.send(request)
                except StopIteration as e:
                    return e.value

            return gen_wrapper

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self.clone():
                return func(*args, **kwargs)

        return wrapper

    def clone(self):
        return type(self)()


class no_grad(_DecoratorContextManager):
    """Disable gradient recording inside the block."""

    def __new__(cls, orig_func=None):
        if cls is no_grad and callable(orig_func):  # bare @no_grad
            return cls()(orig_func)
        return super().__new__(cls)

    def __init__(self, orig_func=None):
        self.prev = False

    def __enter__(self):
        self.prev = is_grad_enabled()
        _set_enabled(False)

    def __exit__(self, *exc):
        _set_enabled(self.prev)


class enable_grad(_DecoratorContextManager):
    """Enable gradient recording inside the block (e.g. inside no_grad)."""

    def __new__(cls, orig_func=None):
        if cls is enable_grad and callable(orig_func):
            return cls()(orig_func)
        return super().__new__(cls)

    def __init__(self, orig_func=None):
        self.prev = True

    def __enter__(self):
        self.prev = is_grad_enabled()
        _set_enabled(True)

    def __exit__(self, *exc):
        _set_enabled(self.prev)


class set_grad_enabled(_DecoratorContextManager):
    """Set grad mode on construction; restores the previous mode when used as a context manager."""

    def __init__(self, mode: bool):
        self.prev = is_grad_enabled()
        self.mode = bool(mode)
        _set_enabled(self.mode)

    def __call__(self, func):
        _set_enabled(self.prev)
        return super().__call__(func)

    def __enter__(self):
        _set_enabled(self.mode)

    def __exit__(self, *exc):
        _set_enabled(self.prev)

    def clone(self):
        return type(self)(self.mode)


class inference_mode(_DecoratorContextManager):
    """Like no_grad, and tensors created inside are inference tensors (``is_inference()``; torch's errors for
    making them require grad or writing them in place outside the mode). ``inference_mode(False)`` enables grad
    and leaves inference mode, as in torch."""

    def __new__(cls, mode=True):
        if cls is inference_mode and callable(mode):
            return cls()(mode)
        return super().__new__(cls)

    def __init__(self, mode: bool = True):
        self.mode = mode
        self.prev = True
        self.prev_inf = False

    def __enter__(self):
        self.prev, self.prev_inf = is_grad_enabled(), is_inference_mode_enabled()
        _set_enabled(not self.mode)
        _state.inference = bool(self.mode)

    def __exit__(self, *exc):
        _set_enabled(self.prev)
        _state.inference = self.prev_inf

    def clone(self):
        return type(self)(self.mode)


# --- anomaly detection (torch.autograd.anomaly_mode): process-wide, as in torch -------------------

_anomaly = {"enabled": False, "check_nan": True}


def is_anomaly_enabled() -> bool:
    return _anomaly["enabled"]


def is_anomaly_check_nan_enabled() -> bool:
    return _anomaly["enabled"] and _anomaly["check_nan"]


def set_anomaly_enabled(enabled: bool, check_nan: bool = True) -> None:
    _anomaly["enabled"], _anomaly["check_nan"] = bool(enabled), bool(check_nan)


class detect_anomaly:
    """While active, backward raises when a node returns NaN gradients (checked eagerly only:
    under ``jax.jit`` the values are not known). jtorch records no forward traceback."""

    def __init__(self, check_nan: bool = True) -> None:
        self.prev = is_anomaly_enabled()
        self.check_nan = check_nan
        self.prev_check_nan = _anomaly["check_nan"]
        warnings.warn(
            "Anomaly Detection has been enabled. This mode will increase the runtime and should only be enabled for "
            "debugging.",
            stacklevel=2,
        )

    def __enter__(self) -> None:
        set_anomaly_enabled(True, self.check_nan)

    def __exit__(self, *args: object) -> None:
        set_anomaly_enabled(self.prev, self.prev_check_nan)


class set_detect_anomaly:
    """Turn anomaly detection on or off, as a call or as a context manager (restores on exit)."""

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self.prev = is_anomaly_enabled()
        self.prev_check_nan = _anomaly["check_nan"]
        set_anomaly_enabled(mode, check_nan)

    def __enter__(self) -> None:
        pass

    def __exit__(self, *args: object) -> None:
        set_anomaly_enabled(self.prev, self.prev_check_nan)
