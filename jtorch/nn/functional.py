"""torch.nn.functional: the functional forms of the nn layers (one file per family in _functional/)."""

from jtorch.nn._functional.activation import *  # noqa: F401,F403
from jtorch.nn._functional.distance import *  # noqa: F401,F403
from jtorch.nn._functional.dropout import *  # noqa: F401,F403
from jtorch.nn._functional.linear import *  # noqa: F401,F403
from jtorch.nn._functional.loss import *  # noqa: F401,F403
from jtorch.nn._functional.misc import *  # noqa: F401,F403
from jtorch.nn._functional.conv import *  # noqa: F401,F403
from jtorch.nn._functional.pooling import *  # noqa: F401,F403
from jtorch.nn._functional.normalization import *  # noqa: F401,F403
from jtorch.nn._functional.embedding import *  # noqa: F401,F403
from jtorch.nn._functional.vision import *  # noqa: F401,F403
from jtorch.nn._functional.attention import *  # noqa: F401,F403
from jtorch.nn._functional.rnn import *  # noqa: F401,F403


def _wrap_for_autocast() -> None:
    """torch.autocast's op lists apply at these entry points (jtorch/amp/autocast_mode.py), here and in the
    _functional modules' own namespaces (so their calls to each other, e.g. MHA's linear, are cast too)."""
    import sys

    from jtorch.amp.autocast_mode import wrap_namespace

    wrap_namespace(globals())
    for name, mod in list(sys.modules.items()):
        if name.startswith("jtorch.nn._functional.") and mod is not None:
            wrap_namespace(vars(mod))


_wrap_for_autocast()
