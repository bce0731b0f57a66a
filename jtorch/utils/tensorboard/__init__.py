"""torch.utils.tensorboard over tensorboardX."""

from jtorch.utils.tensorboard.writer import SummaryWriter

__all__ = ["SummaryWriter"]
