"""torch.profiler on jtorch, backed by JAX's profiler.

- ``record_function(name)`` is a ``jax.profiler.TraceAnnotation`` (context manager and decorator): the range
  appears in the trace under ``name``.
- ``profile(...)`` follows torch's ``schedule`` (wait / warmup / active / repeat): each active window is one
  ``jax.profiler`` trace. With ``on_trace_ready=tensorboard_trace_handler(dir)`` the trace is written under
  ``dir/plugins/profile/<run>/`` where TensorBoard's profile plugin (and Perfetto) read it; any other
  ``on_trace_ready`` callable is called with the profiler after each window, as in torch.
  ``export_chrome_trace(path)`` writes the window's Chrome-trace JSON (JAX's Perfetto trace, which is in the
  Chrome trace event format).
- Not available (NotImplementedError): ``key_averages()`` / ``events()`` / ``export_stacks`` / memory
  timelines: torch's per-op event tables come from its own Kineto profiler; JAX's trace is XLA-level.
  ``record_shapes``, ``profile_memory``, ``with_stack``, ``with_flops``, ``with_modules`` are accepted and
  have no effect.
"""

from __future__ import annotations

import glob
import gzip
import os
import shutil
import tempfile
import warnings
from enum import Enum
from typing import Any, Callable, Iterable

import jax

__all__ = [
    "ProfilerAction", "ProfilerActivity", "profile", "record_function", "schedule", "supported_activities",
    "tensorboard_trace_handler", "kineto_available",
]  # fmt: skip


class ProfilerActivity(Enum):
    CPU = 0
    XPU = 1
    MTIA = 2
    CUDA = 3
    HPU = 4
    PrivateUse1 = 5


class ProfilerAction(Enum):
    NONE = 0
    WARMUP = 1
    RECORD = 2
    RECORD_AND_SAVE = 3
    DEVICE_STOPPED = 4


def supported_activities() -> set:
    from jtorch._device import gpus

    return {ProfilerActivity.CPU, ProfilerActivity.CUDA} if gpus() else {ProfilerActivity.CPU}


def kineto_available() -> bool:
    return False


def schedule(*, wait: int, warmup: int, active: int, repeat: int = 0, skip_first: int = 0,
             skip_first_wait: int = 0) -> Callable:  # fmt: skip
    """torch's schedule: skip ``skip_first`` steps, then cycles of wait / warmup / active steps."""

    def schedule_fn(step: int) -> ProfilerAction:
        if step < 0:
            raise AssertionError(f"Step must be non-negative. Got {step}.")
        if step < skip_first:
            return ProfilerAction.NONE
        step -= skip_first
        if skip_first_wait != 0:
            step += wait
        num_steps = wait + warmup + active
        if repeat > 0 and step / num_steps >= repeat:
            return ProfilerAction.NONE
        mod_step = step % num_steps
        if mod_step < wait:
            return ProfilerAction.NONE
        if mod_step < wait + warmup:
            return ProfilerAction.WARMUP
        return ProfilerAction.RECORD if mod_step < num_steps - 1 else ProfilerAction.RECORD_AND_SAVE

    if wait < 0 or warmup < 0 or active <= 0 or repeat < 0 or skip_first < 0:
        raise AssertionError(
            f"Invalid profiler schedule arguments. Got wait={wait} (need >= 0), warmup={warmup} (need >= 0), "
            f"active={active} (need > 0), repeat={repeat} (need >= 0), skip_first={skip_first} (need >= 0)."
        )
    if warmup == 0:
        warnings.warn("Profiler won't be using warmup, this can skew profiler results", stacklevel=2)
    return schedule_fn


def _default_schedule_fn(_: int) -> ProfilerAction:
    return ProfilerAction.RECORD


class _TensorboardTraceHandler:
    """What ``tensorboard_trace_handler`` returns: the profiler writes its JAX trace under ``dir_name``."""

    def __init__(self, dir_name: str, worker_name: str | None, use_gzip: bool):
        self.dir_name, self.worker_name, self.use_gzip = dir_name, worker_name, use_gzip

    def __call__(self, prof) -> None:
        pass  # the trace already lies in dir_name (profile traces straight into it)


def tensorboard_trace_handler(dir_name: str, worker_name: str | None = None, use_gzip: bool = False,
                              use_python_export: bool = False) -> Callable:  # fmt: skip
    """Write each active window's trace under ``dir_name`` for TensorBoard's profile plugin."""
    return _TensorboardTraceHandler(dir_name, worker_name, use_gzip)


class record_function:
    """Label a code range in the trace (``with record_function("name"):`` or ``@record_function("name")``)."""

    def __init__(self, name: str, args: str | None = None):
        self.name, self.args = name, args
        self._ann = None

    def __enter__(self):
        self._ann = jax.profiler.TraceAnnotation(self.name)
        self._ann.__enter__()
        return self

    def __exit__(self, *exc) -> bool:
        self._ann.__exit__(*exc)
        return False

    def __call__(self, fn: Callable) -> Callable:
        import functools

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with record_function(self.name, self.args):
                return fn(*args, **kwargs)

        return wrapper


_NO_TABLES = (
    "torch.profiler.profile.{name}: per-op event tables come from PyTorch's Kineto profiler; jtorch records a "
    "JAX/XLA trace instead (open it with TensorBoard's profile plugin or Perfetto, see export_chrome_trace)"
)


class profile:
    """torch.profiler.profile over ``jax.profiler`` traces (see the module docstring for what is supported)."""

    def __init__(self, *, activities: Iterable | None = None, schedule: Callable | None = None,
                 on_trace_ready: Callable | None = None, record_shapes: bool = False, profile_memory: bool = False,
                 with_stack: bool = False, with_flops: bool = False, with_modules: bool = False,
                 experimental_config: Any = None, execution_trace_observer: Any = None, acc_events: bool = False,
                 use_cuda: bool | None = None, custom_trace_id_callback: Callable | None = None,
                 post_processing_timeout_s: float | None = None) -> None:  # fmt: skip
        self.activities = set(activities) if activities else supported_activities()
        self.schedule = schedule or _default_schedule_fn
        self.on_trace_ready = on_trace_ready
        self.record_shapes, self.profile_memory, self.with_stack = record_shapes, profile_memory, with_stack
        self.with_flops, self.with_modules = with_flops, with_modules
        self.step_num = 0
        self.current_action = self.schedule(self.step_num)
        self._tracing = False
        self._trace_dir: str | None = None
        self._last_trace_dir: str | None = None
        self._step_ann = None

    # -- tracing windows
    def _start(self) -> None:
        if self._tracing:
            return
        if isinstance(self.on_trace_ready, _TensorboardTraceHandler):
            self._trace_dir = self.on_trace_ready.dir_name
            os.makedirs(self._trace_dir, exist_ok=True)
        else:
            self._trace_dir = tempfile.mkdtemp(prefix="jtorch_profile_")
        jax.profiler.start_trace(self._trace_dir, create_perfetto_trace=True)
        self._tracing = True

    def _stop(self, save: bool) -> None:
        if not self._tracing:
            return
        jax.effects_barrier()
        jax.profiler.stop_trace()
        self._tracing = False
        self._last_trace_dir = self._trace_dir
        if save and self.on_trace_ready is not None:
            self.on_trace_ready(self)

    def _transit(self, prev: ProfilerAction, cur: ProfilerAction) -> None:
        recording = (ProfilerAction.RECORD, ProfilerAction.RECORD_AND_SAVE)
        if prev == ProfilerAction.RECORD_AND_SAVE or (prev in recording and cur not in recording):
            self._stop(save=True)
        if cur in recording:
            self._start()

    def start(self) -> None:
        self._transit(ProfilerAction.NONE, self.current_action)
        self._begin_step()

    def stop(self) -> None:
        self._end_step()
        if self._tracing:
            self._stop(save=True)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, exc_type, exc_val, exc_tb) -> bool:
        self.stop()
        return False

    def _begin_step(self) -> None:
        if self._tracing:
            self._step_ann = jax.profiler.StepTraceAnnotation("ProfilerStep", step_num=self.step_num)
            self._step_ann.__enter__()

    def _end_step(self) -> None:
        if self._step_ann is not None:
            self._step_ann.__exit__(None, None, None)
            self._step_ann = None

    def step(self) -> None:
        """Signal the end of a training step: advance the schedule, opening and closing trace windows."""
        self._end_step()
        prev = self.current_action
        self.step_num += 1
        self.current_action = self.schedule(self.step_num)
        self._transit(prev, self.current_action)
        self._begin_step()

    # -- results
    def export_chrome_trace(self, path: str) -> None:
        """Write the last window's trace as Chrome trace-event JSON (gzipped if ``path`` ends with .gz)."""
        if self._last_trace_dir is None:
            raise RuntimeError("export_chrome_trace: no trace recorded yet (profile a step first)")
        found = sorted(glob.glob(os.path.join(self._last_trace_dir, "**", "*.trace.json.gz"), recursive=True),
                       key=os.path.getmtime)  # fmt: skip
        if not found:
            raise RuntimeError(f"export_chrome_trace: JAX wrote no trace under {self._last_trace_dir}")
        if path.endswith(".gz"):
            shutil.copyfile(found[-1], path)
        else:
            with gzip.open(found[-1], "rb") as src, open(path, "wb") as dst:
                shutil.copyfileobj(src, dst)

    def key_averages(self, *args, **kwargs):
        raise NotImplementedError(_NO_TABLES.format(name="key_averages"))

    def events(self):
        raise NotImplementedError(_NO_TABLES.format(name="events"))

    def export_stacks(self, path: str, metric: str = "self_cpu_time_total"):
        raise NotImplementedError(_NO_TABLES.format(name="export_stacks"))

    def export_memory_timeline(self, path: str, device: str | None = None):
        raise NotImplementedError(_NO_TABLES.format(name="export_memory_timeline"))
