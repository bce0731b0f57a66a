"""torch.testing: ``assert_close`` and ``make_tensor`` with torch's semantics, tolerances and messages."""

from jtorch.testing._comparison import assert_allclose, assert_close  # noqa: F401
from jtorch.testing._creation import make_tensor  # noqa: F401

__all__ = ["assert_close", "make_tensor"]
