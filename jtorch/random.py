"""RNG: torch.Generator over a JAX PRNG key, and the global default generator.

Each draw splits the generator's key, so a seed gives one reproducible stream. The key is a
JAX array (not a Python counter) so ``jtorch.compile`` can lift it into a compiled step as state.
The numbers differ from torch's Philox/MT streams for the same seed (README, "Differences").
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

_DEFAULT_SEED = 67280421310721  # torch's default_generator.initial_seed()


@jax.jit
def _split(key):
    k = jax.random.split(key)
    return k[0], k[1]


def _key_from_seed(seed: int):
    seed &= 0xFFFF_FFFF_FFFF_FFFF
    if seed >= 1 << 63:  # JAX takes int64 seeds; keep all 64 bits
        seed -= 1 << 64
    return jax.random.key_data(jax.random.key(seed))


class Generator:
    """torch.Generator: ``manual_seed``, ``seed``, ``initial_seed``, ``get_state``/``set_state``."""

    def __init__(self, device="cpu"):
        from jtorch._device import device as _device

        self.device = _device(device)
        self._seed = _DEFAULT_SEED
        self._key = None  # created lazily: JAX initialisation is not free

    def _get_key(self):
        if self._key is None:
            self._key = _key_from_seed(self._seed)
        return self._key

    def manual_seed(self, seed) -> "Generator":
        seed = int(seed)
        if seed < -0x8000_0000_0000_0000 or seed > 0xFFFF_FFFF_FFFF_FFFF:
            raise ValueError("Overflow when unpacking long long")
        self._seed = seed & 0xFFFF_FFFF_FFFF_FFFF
        self._key = None
        return self

    def seed(self) -> int:
        s = int(np.random.SeedSequence().entropy) & 0xFFFF_FFFF_FFFF_FFFF
        self.manual_seed(s)
        return s

    def initial_seed(self) -> int:
        return self._seed

    def next_key(self):
        """A fresh JAX key (raw uint32 data) for one draw; advances the stream."""
        self._key, sub = _split(self._get_key())
        return jax.random.wrap_key_data(sub)

    def get_state(self):
        from jtorch._tensor import Tensor

        key = np.asarray(self._get_key()).astype(np.uint32)
        raw = np.concatenate([np.array([self._seed], np.uint64).view(np.uint8), key.view(np.uint8)])
        return Tensor._wrap(jnp.asarray(raw, jnp.uint8))

    def set_state(self, new_state) -> "Generator":
        """Restore a state from :meth:`get_state` (16 bytes: the seed and the JAX key; torch's are 5056)."""
        from jtorch import _dtype

        if getattr(new_state, "dtype", None) is not _dtype.uint8:
            raise TypeError("RNG state must be a torch.ByteTensor")
        raw = np.asarray(new_state._data, dtype=np.uint8)
        if raw.ndim != 1 or raw.size != 16:
            raise RuntimeError(
                f"Expected a jtorch Generator state of size 16 but found the input RNG state size to be {raw.size}"
            )
        self._seed = int(raw[:8].view(np.uint64)[0])
        self._key = jnp.asarray(raw[8:].view(np.uint32))
        return self

    def __getstate__(self):
        return {"device": self.device, "state": np.asarray(self.get_state()._data)}

    def __setstate__(self, d):
        from jtorch._tensor import Tensor

        self.device = d["device"]
        self._key = None
        self.set_state(Tensor._wrap(jnp.asarray(d["state"], jnp.uint8)))


default_generator = Generator()


def manual_seed(seed) -> Generator:
    """Seed the default generator (and so every draw that passes no ``generator=``)."""
    return default_generator.manual_seed(seed)


def seed() -> int:
    return default_generator.seed()


def initial_seed() -> int:
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(new_state) -> None:
    default_generator.set_state(new_state)


def next_key(generator: Generator | None = None):
    return (generator or default_generator).next_key()


class fork_rng:
    """Context manager restoring the default generator's state on exit."""

    def __init__(self, devices=None, enabled=True, **kwargs):
        self.enabled = enabled

    def __enter__(self):
        if self.enabled:
            self._state = get_rng_state()

    def __exit__(self, *exc):
        if self.enabled:
            set_rng_state(self._state)
