"""torch.optim: PyTorch's optimizers over optax-style update rules (see ``transforms``), and lr_scheduler."""

from jtorch.optim import lr_scheduler, swa_utils, transforms  # noqa: F401
from jtorch.optim.adadelta import Adadelta
from jtorch.optim.adagrad import Adagrad
from jtorch.optim.adam import Adam
from jtorch.optim.adamax import Adamax
from jtorch.optim.adamw import AdamW
from jtorch.optim.asgd import ASGD
from jtorch.optim.lbfgs import LBFGS
from jtorch.optim.nadam import NAdam
from jtorch.optim.optimizer import Optimizer
from jtorch.optim.radam import RAdam
from jtorch.optim.rmsprop import RMSprop
from jtorch.optim.rprop import Rprop
from jtorch.optim.sgd import SGD

__all__ = [
    "Adadelta",
    "Adagrad",
    "Adam",
    "Adamax",
    "AdamW",
    "ASGD",
    "LBFGS",
    "lr_scheduler",
    "NAdam",
    "Optimizer",
    "RAdam",
    "RMSprop",
    "Rprop",
    "SGD",
    "swa_utils",
]
