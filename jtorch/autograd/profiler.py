"""torch.autograd.profiler: the legacy home of ``record_function`` (older scripts import it from here).

The profiler itself is ``jtorch.profiler`` (over ``jax.profiler``); torch's legacy
``autograd.profiler.profile`` (``use_cuda=``, ``key_averages()`` tables) is not implemented.
"""

from jtorch.profiler import record_function

__all__ = ["record_function"]
