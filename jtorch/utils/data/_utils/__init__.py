"""Helpers of the DataLoader: collation and worker bookkeeping."""

from jtorch.utils.data._utils import collate, worker  # noqa: F401
