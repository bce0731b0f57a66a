"""torch.nn.functional: the functional forms of the nn layers (one file per family in _functional/)."""

from jtorch.nn._functional.activation import *  # noqa: F401,F403
from jtorch.nn._functional.distance import *  # noqa: F401,F403
from jtorch.nn._functional.dropout import *  # noqa: F401,F403
from jtorch.nn._functional.linear import *  # noqa: F401,F403
from jtorch.nn._functional.loss import *  # noqa: F401,F403
from jtorch.nn._functional.misc import *  # noqa: F401,F403
