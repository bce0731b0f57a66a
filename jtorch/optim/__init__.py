"""torch.optim: PyTorch's optimizers over optax-style update rules (see ``transforms``), and lr_scheduler."""

from jtorch.optim import lr_scheduler, swa_utils, transforms  # noqa: F401
from jtorch.optim._adafactor import Adafactor
from jtorch.optim._muon import Muon
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


def _missing(name: str, what: str):
    def __init__(self, *args, **kwargs):
        raise NotImplementedError(f"jtorch.optim.{name} is not implemented yet ({what})")

    return type(name, (Optimizer,), {"__init__": __init__, "__doc__": f"Not implemented in jtorch: {what}."})


SparseAdam = _missing("SparseAdam", "jtorch has no sparse gradients")


def swap_in_optimizer_params_and_state(*args, **kwargs):
    """Not implemented in jtorch (torch's functional optimizer state swapping)."""
    raise NotImplementedError("jtorch.optim.swap_in_optimizer_params_and_state is not implemented yet")


__all__ = [
    "Adafactor",
    "Muon",
    "SparseAdam",
    "swap_in_optimizer_params_and_state",
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
