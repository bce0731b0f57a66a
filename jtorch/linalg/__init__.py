"""torch.linalg: the linear-algebra namespace (definitions live in jtorch/_ops/linalg.py)."""

from __future__ import annotations

from jtorch._ops.linalg import LinAlgError, matmul
from jtorch._ops.linalg import linalg_cholesky as cholesky
from jtorch._ops.linalg import linalg_cholesky_ex as cholesky_ex
from jtorch._ops.linalg import linalg_cond as cond
from jtorch._ops.linalg import linalg_cross as cross
from jtorch._ops.linalg import linalg_det as det
from jtorch._ops.linalg import linalg_diagonal as diagonal
from jtorch._ops.linalg import linalg_eig as eig
from jtorch._ops.linalg import linalg_eigh as eigh
from jtorch._ops.linalg import linalg_eigvals as eigvals
from jtorch._ops.linalg import linalg_eigvalsh as eigvalsh
from jtorch._ops.linalg import linalg_inv as inv
from jtorch._ops.linalg import linalg_inv_ex as inv_ex
from jtorch._ops.linalg import linalg_lstsq as lstsq
from jtorch._ops.linalg import linalg_lu as lu
from jtorch._ops.linalg import linalg_householder_product as householder_product
from jtorch._ops.linalg import linalg_lu_factor as lu_factor
from jtorch._ops.linalg import linalg_lu_solve as lu_solve
from jtorch._ops.linalg import linalg_matrix_exp as matrix_exp
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
from jtorch._ops.linalg import linalg_solve_triangular as solve_triangular
from jtorch._ops.linalg import linalg_svd as svd
from jtorch._ops.linalg import linalg_svdvals as svdvals
from jtorch._ops.linalg import linalg_tensorinv as tensorinv
from jtorch._ops.linalg import linalg_tensorsolve as tensorsolve
from jtorch._ops.linalg import linalg_vander as vander
from jtorch._ops.linalg import linalg_vecdot as vecdot
from jtorch._ops.linalg import linalg_vector_norm as vector_norm

__all__ = [
    "LinAlgError", "cholesky", "cholesky_ex", "cond", "cross", "eig", "eigvals", "householder_product", "lu", "lu_factor", "lu_solve", "matrix_exp",
    "solve_triangular", "tensorinv", "tensorsolve", "vander", "det", "diagonal", "eigh", "eigvalsh", "inv", "inv_ex",
    "lstsq", "matmul", "matrix_norm", "matrix_power", "matrix_rank", "multi_dot", "norm", "pinv", "qr", "slogdet",
    "solve", "solve_ex", "svd", "svdvals", "vecdot", "vector_norm",
]  # fmt: skip


def _missing(name: str):
    def f(*args, **kwargs):
        raise NotImplementedError(f"torch.linalg.{name} is not implemented in jtorch yet")

    f.__name__ = name
    return f


# Present in torch.linalg but not implemented here: calling them raises NotImplementedError.
for _n in ("lu_factor_ex", "ldl_factor", "ldl_factor_ex", "ldl_solve"):
    globals()[_n] = _missing(_n)
