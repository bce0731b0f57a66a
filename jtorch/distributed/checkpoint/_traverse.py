"""Flattening of nested state dicts to dotted fqns, as torch's DCP does (``_traverse``/``_nested_dict``).

Mappings are always walked; a list is walked only when it holds tensors, mappings or walkable lists;
everything else (tuples included) is one leaf. ``{"a": {"b": t}}`` becomes ``{"a.b": t}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

OBJ_PATH = tuple  # tuple[str | int, ...]


def _is_tensor(v) -> bool:
    from jtorch._tensor import Tensor

    return isinstance(v, Tensor)


def _is_terminal(value) -> bool:
    if isinstance(value, Mapping):
        return False
    if not isinstance(value, list):
        return True
    for entry in value:
        if isinstance(entry, (Mapping, list)) and not _is_terminal(entry):
            return False
        if _is_tensor(entry):
            return False
    return True


def flatten_state_dict(state_dict: dict) -> tuple[dict[str, Any], dict[str, OBJ_PATH]]:
    """(flat ``{fqn: leaf}``, ``{fqn: path}``); raises on two paths with the same dotted name."""
    flat: dict[str, Any] = {}
    mappings: dict[str, OBJ_PATH] = {}

    def visit(path, value):
        if isinstance(value, Mapping):
            for k, v in value.items():
                visit(path + (str(k),), v)
        elif _is_terminal(value):
            fqn = ".".join(map(str, path))
            if fqn in flat:
                raise ValueError(f"duplicated flatten key {fqn}")
            flat[fqn], mappings[fqn] = value, path
        else:
            for i, v in enumerate(value):
                visit(path + (i,), v)

    for key, value in state_dict.items():
        visit((str(key),), value)
    return flat, mappings


def set_element(root_dict: dict, path: OBJ_PATH, value: Any) -> None:
    """Set ``value`` in ``root_dict`` along the ``path`` object path (torch's ``set_element``)."""
    cur = root_dict

    def extend_list(lst, idx):
        while len(lst) <= idx:
            lst.append(None)

    for i in range(1, len(path)):
        prev_key, key = path[i - 1], path[i]
        default = {} if type(key) is str else []
        if isinstance(cur, Mapping):
            cur = cur.setdefault(prev_key, default)
        else:
            extend_list(cur, prev_key)
            if cur[prev_key] is None:
                cur[prev_key] = default
            cur = cur[prev_key]
    key = path[-1]
    if type(key) is int:
        extend_list(cur, key)
    cur[key] = value
