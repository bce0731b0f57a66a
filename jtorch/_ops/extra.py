"""More ops (gather/scatter, sorting, searching, triangular and diagonal ops, ...)."""

from __future__ import annotations
