"""RemovableHandle: what register_*_hook returns, as in torch.utils.hooks."""

from __future__ import annotations

import itertools


class RemovableHandle:
    """Removes the hook it was returned for from its dict(s) when ``remove()`` is called."""

    _next_id = itertools.count()

    def __init__(self, hooks_dict, *, extra_dict=None):
        self.hooks_dict = hooks_dict
        self.id = next(RemovableHandle._next_id)
        extras = (
            extra_dict if isinstance(extra_dict, (list, tuple)) else ([extra_dict] if extra_dict is not None else [])
        )
        self.extra_dicts = tuple(extras)

    def remove(self) -> None:
        for d in (self.hooks_dict, *self.extra_dicts):
            d.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()
