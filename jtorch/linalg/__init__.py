"""torch.linalg: the linear-algebra namespace (definitions live in jtorch/_ops/linalg.py)."""

from __future__ import annotations

from jtorch._ops.linalg import LinAlgError, matmul
from jtorch._ops.linalg import linalg_cholesky as cholesky
from jtorch._ops.linalg import linalg_cholesky_ex as cholesky_ex
from jtorch._ops.linalg import linalg_cross as cross
from jtorch._ops.linalg import linalg_det as det
from jtorch._ops.linalg import linalg_diagonal as diagonal
from jtorch._ops.linalg import linalg_eigh as eigh
from jtorch._ops.linalg import linalg_eigvalsh as eigvalsh
from jtorch._ops.linalg import linalg_inv as inv
from jtorch._ops.linalg import linalg_inv_ex as inv_ex
from jtorch._ops.linalg import linalg_lstsq as lstsq
from jtorch._ops.linalg import linalg_matrix_norm as matrix_norm
from jtorch._ops.linalg import linalg_matrix_power as matrix_power
from jtorch._ops.linalg import linalg_matrix_rank as matrix_rank
from jtorch._ops.linalg import linalg_multi_dot as multi_dot
from jtorch._ops.linalg import linalg_norm as norm
from jtorch._ops.linalg import linalg_pinv as pinv
from jtorch._ops.linalg import linalg_qr as qr
from jtorch._ops.linalg import linalg_slogdet as slogdet
from jtorch._ops.linalg import linalg_solve as solve
from jtorch._ops.linalg import linalg_solve_ex as solve_ex
from jtorch._ops.linalg import linalg_svd as svd
from jtorch._ops.linalg import linalg_svdvals as svdvals
from jtorch._ops.linalg import linalg_vecdot as vecdot
from jtorch._ops.linalg import linalg_vector_norm as vector_norm

__all__ = [
    "LinAlgError", "cholesky", "cholesky_ex", "cross", "det", "diagonal", "eigh", "eigvalsh", "inv", "inv_ex",
    "lstsq", "matmul", "matrix_norm", "matrix_power", "matrix_rank", "multi_dot", "norm", "pinv", "qr", "slogdet",
    "solve", "solve_ex", "svd", "svdvals", "vecdot", "vector_norm",
]  # fmt: skip


def _missing(name: str):
    def f(*args, **kwargs):
        raise NotImplementedError(f"torch.linalg.{name} is not implemented in jtorch yet")

    f.__name__ = name
    return f


# Present in torch.linalg but not implemented here: calling them raises NotImplementedError.
for _n in ("eig", "eigvals", "lu", "lu_factor", "lu_solve", "matrix_exp", "householder_product", "tensorinv",
           "tensorsolve", "solve_triangular", "vander", "cond"):  # fmt: skip
    globals()[_n] = _missing(_n)
