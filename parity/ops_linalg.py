"""Op database entries: matrix products and torch.linalg.

Decompositions are unique only up to the sign of each singular/eigen/Q vector, so their calls
normalise the signs the same way in both frameworks (each column of U/Q/V made to have a
non-negative first row, or R a non-negative diagonal) before comparing; losses on the normalised
factors are sign-invariant, so the gradients are comparable too.

Tolerances: products use the defaults. Factorisations and solvers go through different LAPACK
builds (torch's MKL/OpenBLAS, jaxlib's own) whose rounding differs and is amplified by the
condition number, so they compare at 1e-4 relative in float32 and 1e-9 in float64 (LINALG_TOLS).
"""

from opinfo import OpInfo, Sample, randn

LINALG_TOLS = {"float32": (1e-4, 1e-5), "float64": (1e-9, 1e-10)}
GRAD_TOLS = {"float32": (2e-3, 2e-4), "float64": (1e-8, 1e-9)}  # gradients chain two factorisations


def S(*args, **kwargs):
    return Sample(args, kwargs)


def shapes(*shape_lists, **kwargs):
    """Samples of random arrays with the given shapes (one tuple of shapes per sample)."""

    def samples(rng, dtype):
        return [Sample(tuple(randn(rng, s, dtype) for s in ss), dict(kwargs)) for ss in shape_lists]

    return samples


def well_conditioned(*batch_shapes, n=3, extra=None):
    """Square matrices ``X + n*I`` (invertible, condition number ~ small), optionally with a RHS."""

    def samples(rng, dtype):
        out = []
        for b in batch_shapes:
            a = randn(rng, b + (n, n), dtype) + n * __import__("numpy").eye(n, dtype=dtype)
            args = (a,) if extra is None else (a, randn(rng, extra(b), dtype))
            out.append(Sample(args))
        return out

    return samples


def spd(*batch_shapes, n=3):
    """Symmetric positive-definite matrices ``X X^T + n*I``."""

    def samples(rng, dtype):
        import numpy as np

        out = []
        for b in batch_shapes:
            x = randn(rng, b + (n, n), dtype)
            out.append(Sample((x @ np.swapaxes(x, -1, -2) + n * np.eye(n, dtype=dtype),)))
        return out

    return samples


def _first_row_signs(T, M):
    """Signs making row 0 of each column of M non-negative (0 -> +1)."""
    s = M[..., :1, :].sign()
    return s + (s == 0).to(s.dtype)


def qr_normalised(T, a, mode="reduced"):
    Q, R = T.linalg.qr(a, mode=mode)
    d = R.diagonal(dim1=-2, dim2=-1)[..., : min(Q.shape[-1], R.shape[-2])].sign()
    d = d + (d == 0).to(d.dtype)
    k = d.shape[-1]
    return Q[..., :k] * d.unsqueeze(-2), R[..., :k, :] * d.unsqueeze(-1)


def svd_normalised(T, a):
    U, Sv, Vh = T.linalg.svd(a, full_matrices=False)
    s = _first_row_signs(T, U)
    return U * s, Sv, Vh * s.mT


def svd_full_normalised(T, a):
    """Full SVD: the first min(m, n) vectors sign-normalised; the complement only through U U^T
    (any orthonormal basis of it is valid), so the loss is gauge-invariant."""
    U, Sv, Vh = T.linalg.svd(a, full_matrices=True)
    k = min(a.shape[-2:])
    s = _first_row_signs(T, U[..., :k])
    return U[..., :k] * s, Sv, Vh[..., :k, :] * s.mT, U @ U.mT, Vh.mT @ Vh


def eigh_normalised(T, a, UPLO="L"):
    sym = (a + a.mT) / 2  # a symmetric input: gradients then do not depend on the triangle read
    L, V = T.linalg.eigh(sym, UPLO=UPLO)
    return L, V * _first_row_signs(T, V)


def old_svd_normalised(T, a):
    U, Sv, V = T.svd(a)
    s = _first_row_signs(T, U)
    return U * s, Sv, V * s


def _imatmul(T, a, b):
    """``c @= b`` rebinds c to a new tensor in torch (there is no in-place matmul): c's old object is untouched."""
    c = a.clone()
    old = c
    c @= b
    return c, old, c is old


PRODUCT_SHAPES = [
    ((3,), (3,)),  # dot
    ((2, 3), (3,)),  # mv
    ((3,), (3, 4)),  # vector @ matrix
    ((2, 3), (3, 4)),  # mm
    ((2, 2, 3), (3,)),  # folded batch @ vector
    ((2, 2, 3), (3, 4)),  # folded batch @ matrix
    ((3,), (2, 3, 4)),  # vector @ batch
    ((4, 3), (2, 3, 4)),  # matrix @ batch
    ((2, 1, 2, 3), (5, 3, 4)),  # broadcast batches
    ((2, 3), (4, 2)),  # shape error
    ((2, 3, 4), (5,)),  # shape error, folded mv
    ((2, 3, 4), (3, 4, 5)),  # batch mismatch
    ((), (3,)),  # 0-d error
]

OPS = [
    OpInfo(
        "matmul",
        lambda T, a, b: T.matmul(a, b),
        shapes(*PRODUCT_SHAPES),
        covers=("matmul", "Tensor.matmul", "Tensor.__matmul__", "linalg.matmul"),
    ),
    OpInfo("matmul_op", lambda T, a, b: a @ b, shapes(((2, 3), (3, 2)), ((3,), (3,))), covers=("Tensor.__rmatmul__",)),
    OpInfo("linalg.matmul", lambda T, a, b: T.linalg.matmul(a, b), shapes(((2, 2, 3), (2, 3, 2)))),
    OpInfo(
        "mm",
        lambda T, a, b: T.mm(a, b),
        shapes(((2, 3), (3, 4)), ((4, 5), (6, 1)), ((3,), (3, 2))),
        covers=("mm", "Tensor.mm"),
    ),
    OpInfo(
        "bmm",
        lambda T, a, b: a.bmm(b),
        shapes(((2, 2, 3), (2, 3, 4)), ((2, 2, 3), (3, 3, 4)), ((2, 3), (3, 2))),
        covers=("bmm", "Tensor.bmm"),
    ),
    OpInfo("mv", lambda T, a, b: T.mv(a, b), shapes(((2, 3), (3,)), ((2, 3), (4,))), covers=("mv", "Tensor.mv")),
    OpInfo(
        "dot",
        lambda T, a, b: T.dot(a, b),
        shapes(((3,), (3,)), ((3,), (4,)), ((2, 3), (3,))),
        covers=("dot", "Tensor.dot"),
    ),
    OpInfo("vdot", lambda T, a, b: a.vdot(b), shapes(((3,), (3,))), covers=("vdot", "Tensor.vdot")),
    OpInfo(
        "outer", lambda T, a, b: T.outer(a, b), shapes(((3,), (4,)), ((2, 2), (3,))), covers=("outer", "Tensor.outer")
    ),
    OpInfo("ger", lambda T, a, b: a.ger(b), shapes(((3,), (2,))), covers=("ger", "Tensor.ger")),
    OpInfo(
        "addmm",
        lambda T, c, a, b: T.addmm(c, a, b, beta=0.5, alpha=2.0),
        shapes(((2, 4), (2, 3), (3, 4)), ((4,), (2, 3), (3, 4)), ((3,), (2, 3), (3, 4))),
        covers=("addmm", "Tensor.addmm"),
    ),
    OpInfo(
        "addmm_",
        lambda T, c, a, b: c.clone().addmm_(a, b, alpha=0.5),
        shapes(((2, 4), (2, 3), (3, 4))),
        covers=("Tensor.addmm_",),
    ),
    OpInfo("addmm_beta0", lambda T, c, a, b: T.addmm(c * float("nan"), a, b, beta=0), shapes(((2, 4), (2, 3), (3, 4)))),
    OpInfo(
        "addmv",
        lambda T, c, a, b: T.addmv(c, a, b, beta=2, alpha=-1),
        shapes(((2,), (2, 3), (3,)), ((), (2, 3), (3,))),
        covers=("addmv", "Tensor.addmv"),
    ),
    OpInfo(
        "addmv_", lambda T, c, a, b: c.clone().addmv_(a, b), shapes(((2,), (2, 3), (3,))), covers=("Tensor.addmv_",)
    ),
    OpInfo(
        "baddbmm",
        lambda T, c, a, b: T.baddbmm(c, a, b, beta=0.5, alpha=1.5),
        shapes(((2, 2, 4), (2, 2, 3), (2, 3, 4)), ((4,), (2, 2, 3), (2, 3, 4))),
        covers=("baddbmm", "Tensor.baddbmm"),
    ),
    OpInfo(
        "baddbmm_",
        lambda T, c, a, b: c.clone().baddbmm_(a, b),
        shapes(((2, 2, 4), (2, 2, 3), (2, 3, 4))),
        covers=("Tensor.baddbmm_",),
    ),
    OpInfo(
        "addbmm",
        lambda T, c, a, b: T.addbmm(c, a, b, beta=0.5, alpha=1.5),
        shapes(((2, 4), (3, 2, 3), (3, 3, 4)), ((2, 4), (3, 2, 3), (2, 3, 4))),
        covers=("addbmm", "Tensor.addbmm"),
    ),
    OpInfo(
        "addbmm_",
        lambda T, c, a, b: c.clone().addbmm_(a, b),
        shapes(((2, 4), (3, 2, 3), (3, 3, 4))),
        covers=("Tensor.addbmm_",),
    ),
    OpInfo(
        "einsum",
        lambda T, a, b: T.einsum("ij,jk->ik", a, b),
        shapes(((2, 3), (3, 4)), ((2, 3), (4, 5))),
        covers=("einsum",),
    ),
    OpInfo("einsum_batch", lambda T, a, b: T.einsum("b i j, b j k -> b k i", a, b), shapes(((2, 2, 3), (2, 3, 4)))),
    OpInfo("einsum_ellipsis", lambda T, a, b: T.einsum("...ij,...j", a, b), shapes(((2, 2, 3), (2, 3)))),
    OpInfo("einsum_trace_outer", lambda T, a, b: T.einsum("ii,j->j", a, b), shapes(((3, 3), (2,)))),
    OpInfo("einsum_list", lambda T, a, b: T.einsum("ij,ij->", [a, b]), shapes(((2, 3), (2, 3)))),
    OpInfo("einsum_sublist", lambda T, a, b: T.einsum(a, [0, 1], b, [1, 2], [0, 2]), shapes(((2, 3), (3, 4)))),
    OpInfo("einsum_errors", lambda T, a, b: T.einsum("ijk,jk->ik", a, b), shapes(((2, 3), (3, 2)))),
    OpInfo(
        "tensordot",
        lambda T, a, b: T.tensordot(a, b, dims=1),
        shapes(((2, 3), (3, 4)), ((2, 3), (4, 5))),
        covers=("tensordot",),
    ),
    OpInfo("tensordot_lists", lambda T, a, b: T.tensordot(a, b, dims=([1, 2], [1, 0])), shapes(((2, 3, 4), (4, 3, 5)))),
    OpInfo("tensordot_default", lambda T, a, b: T.tensordot(a, b), shapes(((2, 3, 4), (3, 4, 2)))),
    OpInfo(
        "kron",
        lambda T, a, b: T.kron(a, b),
        shapes(((2, 3), (2, 2)), ((2, 3), (4,)), ((3,), (2,))),
        covers=("kron", "Tensor.kron"),
    ),
    OpInfo(
        "inner",
        lambda T, a, b: T.inner(a, b),
        shapes(((2, 3), (4, 3)), ((3,), (3,)), ((), (3,)), ((2, 3), (4,))),
        covers=("inner", "Tensor.inner"),
    ),
    OpInfo(
        "multi_dot",
        lambda T, a, b, c: T.linalg.multi_dot([a, b, c]),
        shapes(((3,), (3, 4), (4, 2)), ((2, 3), (3, 4), (4,)), ((2, 3), (4, 3), (3, 2))),
        covers=("linalg.multi_dot",),
    ),
    OpInfo(
        "chain_matmul",
        lambda T, a, b, c: T.chain_matmul(a, b, c),
        shapes(((2, 3), (3, 4), (4, 2))),
        covers=("chain_matmul",),
    ),
    OpInfo(
        "cdist",
        lambda T, a, b: T.cdist(a, b),
        shapes(((3, 2), (4, 2)), ((2, 3, 2), (2, 4, 2)), ((2, 3, 2), (4, 3))),
        covers=("cdist",),
    ),
    OpInfo("cdist_p1", lambda T, a, b: T.cdist(a, b, p=1), shapes(((3, 2), (4, 2)))),
    OpInfo("cdist_p3", lambda T, a, b: T.cdist(a, b, p=3), shapes(((3, 2), (4, 2)))),
    OpInfo("cdist_pinf", lambda T, a, b: T.cdist(a, b, p=float("inf")), shapes(((3, 2), (4, 2)))),
    OpInfo("cdist_same", lambda T, a: T.cdist(a, a), shapes(((3, 2),))),  # zero distances: grad must be 0, not NaN
    # --- torch.linalg ------------------------------------------------------------------------------
    OpInfo(
        "linalg.det",
        lambda T, a: T.linalg.det(a),
        well_conditioned((), (2,)),
        tols=LINALG_TOLS,
        grad_tols=GRAD_TOLS,
        covers=("linalg.det",),
    ),
    OpInfo(
        "det",
        lambda T, a: a.det(),
        well_conditioned(()),
        tols=LINALG_TOLS,
        grad_tols=GRAD_TOLS,
        covers=("det", "Tensor.det"),
    ),
    OpInfo("det_errors", lambda T, a: T.linalg.det(a), shapes(((2, 3),), ((3,),))),
    OpInfo(
        "linalg.slogdet",
        lambda T, a: T.linalg.slogdet(a),
        well_conditioned((), (2,)),
        tols=LINALG_TOLS,
        grad_tols=GRAD_TOLS,
        covers=("linalg.slogdet",),
    ),
    OpInfo(
        "slogdet",
        lambda T, a: T.slogdet(-a),
        well_conditioned(()),
        tols=LINALG_TOLS,
        grad_tols=GRAD_TOLS,
        covers=("slogdet", "Tensor.slogdet"),
    ),
    OpInfo(
        "logdet",
        lambda T, a: a.logdet(),
        spd((), (2,)),
        tols=LINALG_TOLS,
        grad_tols=GRAD_TOLS,
        covers=("logdet", "Tensor.logdet"),
    ),
    OpInfo("logdet_negative", lambda T, a: T.logdet(-a), spd(()), tols=LINALG_TOLS, grad=False),  # n=3: det < 0 -> nan
    OpInfo(
        "linalg.inv",
        lambda T, a: T.linalg.inv(a),
        well_conditioned((), (2,)),
        tols=LINALG_TOLS,
        grad_tols=GRAD_TOLS,
        covers=("linalg.inv",),
    ),
    OpInfo(
        "inverse",
        lambda T, a: a.inverse(),
        well_conditioned(()),
        tols=LINALG_TOLS,
        grad_tols=GRAD_TOLS,
        covers=("inverse", "Tensor.inverse"),
    ),
    OpInfo(
        "linalg.inv_ex",
        lambda T, a: T.linalg.inv_ex(a).inverse,
        well_conditioned(()),
        tols=LINALG_TOLS,
        grad_tols=GRAD_TOLS,
        covers=("linalg.inv_ex",),
    ),
    OpInfo(
        "linalg.solve",
        lambda T, a, b: T.linalg.solve(a, b),
        lambda rng, dt: (
            well_conditioned((), extra=lambda b: (3, 2))(rng, dt)
            + well_conditioned((2,), extra=lambda b: (3,))(rng, dt)
            + well_conditioned((2,), extra=lambda b: (2, 3))(rng, dt)
            + well_conditioned((), extra=lambda b: (2, 2))(rng, dt)
        ),
        tols=LINALG_TOLS,
        grad_tols=GRAD_TOLS,
        covers=("linalg.solve",),
    ),
    OpInfo(
        "linalg.solve_left",
        lambda T, a, b: T.linalg.solve(a, b, left=False),
        well_conditioned((), extra=lambda b: (2, 3)),
        tols=LINALG_TOLS,
        grad_tols=GRAD_TOLS,
    ),
    OpInfo(
        "linalg.solve_ex",
        lambda T, a, b: T.linalg.solve_ex(a, b).result,
        well_conditioned((), extra=lambda b: (3, 2)),
        tols=LINALG_TOLS,
        grad_tols=GRAD_TOLS,
        covers=("linalg.solve_ex",),
    ),
    OpInfo(
        "linalg.cholesky",
        lambda T, a: T.linalg.cholesky(a),
        spd((), (2,)),
        tols=LINALG_TOLS,
        grad_tols=GRAD_TOLS,
        covers=("linalg.cholesky",),
    ),
    OpInfo(
        "linalg.cholesky_upper",
        lambda T, a: T.linalg.cholesky(a, upper=True),
        spd(()),
        tols=LINALG_TOLS,
        grad_tols=GRAD_TOLS,
    ),
    OpInfo(
        "linalg.cholesky_ex",
        lambda T, a: T.linalg.cholesky_ex(a).L,
        spd(()),
        tols=LINALG_TOLS,
        grad_tols=GRAD_TOLS,
        covers=("linalg.cholesky_ex",),
    ),
    OpInfo(
        "cholesky",
        lambda T, a: (a.cholesky(), T.cholesky(a, upper=True)),
        spd(()),
        tols=LINALG_TOLS,
        grad_tols=GRAD_TOLS,
        covers=("cholesky", "Tensor.cholesky"),
    ),
    OpInfo(
        "imatmul",
        _imatmul,
        shapes(((3, 3), (3, 3)), ((2, 3, 3), (3, 3)), ((3, 2), (2, 4))),
        covers=("Tensor.__imatmul__",),
    ),
    OpInfo(
        "linalg.qr",
        qr_normalised,
        shapes(((3, 3),), ((4, 3),), ((2, 4, 3),)),
        tols=LINALG_TOLS,
        grad_tols=GRAD_TOLS,
        covers=("linalg.qr",),
    ),
    # torch's QR backward refuses mode='complete' with more rows than columns: values only.
    OpInfo(
        "linalg.qr_complete",
        lambda T, a: T.linalg.qr(a, "complete").R.abs(),
        shapes(((4, 3),)),
        tols=LINALG_TOLS,
        grad=False,
    ),
    OpInfo(
        "linalg.qr_r", lambda T, a: T.linalg.qr(a, mode="r").R.abs(), shapes(((4, 3),)), tols=LINALG_TOLS, grad=False
    ),
    OpInfo(
        "qr",
        lambda T, a: qr_normalised(T, a),
        shapes(((3, 2),)),
        tols=LINALG_TOLS,
        grad_tols=GRAD_TOLS,
        covers=("qr", "Tensor.qr"),
    ),
    OpInfo(
        "linalg.svd",
        svd_normalised,
        shapes(((3, 3),), ((4, 3),), ((2, 3, 4),)),
        tols=LINALG_TOLS,
        grad_tols=GRAD_TOLS,
        covers=("linalg.svd",),
    ),
    OpInfo(
        "linalg.svd_full",
        lambda T, a: svd_full_normalised(T, a),
        shapes(((4, 3),), ((2, 4),)),
        tols=LINALG_TOLS,
        grad_tols=GRAD_TOLS,
    ),
    OpInfo(
        "linalg.svdvals",
        lambda T, a: T.linalg.svdvals(a),
        shapes(((3, 4),), ((2, 3, 3),)),
        tols=LINALG_TOLS,
        grad_tols=GRAD_TOLS,
        covers=("linalg.svdvals",),
    ),
    OpInfo(
        "svd",
        old_svd_normalised,
        shapes(((4, 3),)),
        tols=LINALG_TOLS,
        grad_tols=GRAD_TOLS,
        covers=("svd", "Tensor.svd"),
    ),
    OpInfo(
        "linalg.eigh",
        eigh_normalised,
        shapes(((3, 3),), ((2, 3, 3),)),
        tols=LINALG_TOLS,
        grad_tols=GRAD_TOLS,
        covers=("linalg.eigh",),
    ),
    OpInfo(
        "linalg.eigh_U",
        lambda T, a: eigh_normalised(T, a, "U"),
        shapes(((3, 3),)),
        tols=LINALG_TOLS,
        grad_tols=GRAD_TOLS,
    ),
    # A non-symmetric input: torch (LAPACK) reads only the UPLO triangle; values only, since the gradient
    # with respect to the ignored triangle is a convention.
    OpInfo(
        "linalg.eigh_triangle",
        lambda T, a: (
            T.linalg.eigvalsh(a),
            T.linalg.eigvalsh(a, UPLO="U"),
            T.linalg.cholesky(a @ a.mT + 3 * T.eye(3) + a.triu(1)),
        ),
        shapes(((3, 3),)),
        tols=LINALG_TOLS,
        grad=False,
    ),
    OpInfo(
        "linalg_complex",
        lambda T, a, b: (
            T.linalg.inv(a + 3 * T.eye(3, dtype=a.dtype)),
            T.linalg.det(a).reshape(1),  # 0-d complex outputs trip the harness's cotangent maker
            T.linalg.solve(a + 3 * T.eye(3, dtype=a.dtype), b),
            a @ b,
            T.linalg.svdvals(a),
            T.linalg.eigvalsh(a + a.mH),
            T.linalg.vector_norm(b, dim=0),
            T.vdot(a[0], b[:, 0]).reshape(1),
        ),
        shapes(((3, 3), (3, 2))),
        dtypes=("complex128",),
        tols=LINALG_TOLS,
        grad_tols=GRAD_TOLS,
    ),
    OpInfo(
        "linalg.eigvalsh",
        lambda T, a: T.linalg.eigvalsh(a + a.mT),
        shapes(((3, 3),)),
        tols=LINALG_TOLS,
        grad_tols=GRAD_TOLS,
        covers=("linalg.eigvalsh",),
    ),
    OpInfo(
        "linalg.pinv",
        lambda T, a: T.linalg.pinv(a),
        shapes(((3, 3),), ((4, 2),), ((2, 2, 3),)),
        tols=LINALG_TOLS,
        grad_tols=GRAD_TOLS,
        covers=("linalg.pinv",),
    ),
    OpInfo(
        "linalg.pinv_hermitian",
        lambda T, a: T.linalg.pinv(a + a.mT, hermitian=True),
        shapes(((3, 3),)),
        tols=LINALG_TOLS,
        grad_tols=GRAD_TOLS,
    ),
    OpInfo(
        "pinverse",
        lambda T, a: a.pinverse(),
        shapes(((3, 2),)),
        tols=LINALG_TOLS,
        grad_tols=GRAD_TOLS,
        covers=("pinverse", "Tensor.pinverse"),
    ),
    OpInfo(
        "linalg.matrix_rank",
        lambda T, a: T.linalg.matrix_rank(a),
        lambda rng, dt: [
            S(randn(rng, (3, 4), dt)),
            S(randn(rng, (3, 1), dt) @ randn(rng, (1, 4), dt)),
            S(randn(rng, (2, 3, 3), dt)),
        ],
        grad=False,
        covers=("linalg.matrix_rank",),
    ),
    OpInfo(
        "linalg.matrix_rank_tol",
        lambda T, a: T.linalg.matrix_rank(a, atol=1.0, rtol=0.0),
        shapes(((4, 4),)),
        grad=False,
    ),
    OpInfo(
        "linalg.lstsq",
        lambda T, a, b: T.linalg.lstsq(a, b).solution,
        shapes(((4, 3), (4, 2)), ((3, 3), (3,)), ((2, 4, 3), (2, 4, 2))),
        tols=LINALG_TOLS,
        grad_tols=GRAD_TOLS,
        covers=("linalg.lstsq",),
    ),
    OpInfo(
        "linalg.lstsq_rank",
        lambda T, a, b: tuple(T.linalg.lstsq(a, b))[1:],
        shapes(((4, 3), (4, 2)), ((2, 4, 3), (2, 4, 2))),
        grad=False,
    ),
    OpInfo(
        "linalg.lstsq_gelsd",
        lambda T, a, b: tuple(T.linalg.lstsq(a, b, driver="gelsd")),
        shapes(((4, 3), (4, 2))),
        tols=LINALG_TOLS,
        grad=False,
    ),
    OpInfo(
        "linalg.cross",
        lambda T, a, b: T.linalg.cross(a, b),
        shapes(((4, 3), (4, 3)), ((1, 3), (4, 3)), ((4, 2), (4, 2))),
        covers=("linalg.cross",),
    ),
    OpInfo("linalg.vecdot", lambda T, a, b: T.linalg.vecdot(a, b), shapes(((2, 3), (3,))), covers=("linalg.vecdot",)),
    OpInfo(
        "linalg.matrix_power",
        lambda T, a: (T.linalg.matrix_power(a, 3), T.linalg.matrix_power(a, 0), T.linalg.matrix_power(a, -2)),
        well_conditioned((), (2,)),
        tols=LINALG_TOLS,
        grad_tols=GRAD_TOLS,
        covers=("linalg.matrix_power", "matrix_power", "Tensor.matrix_power"),
    ),
    OpInfo(
        "linalg.vector_norm",
        lambda T, a: T.linalg.vector_norm(a),
        shapes(((3, 4),), ((5,),)),
        covers=("linalg.vector_norm",),
    ),
    OpInfo(
        "linalg.vector_norm_ord",
        lambda T, a: [T.linalg.vector_norm(a, o, dim=1) for o in (1, 3, 0.5, float("inf"), float("-inf"), 0)],
        shapes(((3, 4),)),
    ),
    OpInfo(
        "linalg.vector_norm_dims",
        lambda T, a: T.linalg.vector_norm(a, 2, dim=(0, 2), keepdim=True),
        shapes(((2, 3, 4),)),
    ),
    OpInfo(
        "linalg.vector_norm_dtype",
        lambda T, a: T.linalg.vector_norm(a, dtype=T.float64),
        shapes(((3, 4),)),
        dtypes=("float32",),
    ),
    OpInfo(
        "linalg.vector_norm_zero", lambda T, a: T.linalg.vector_norm(a * 0, dim=1), shapes(((2, 3),))
    ),  # grad 0, not NaN
    OpInfo(
        "linalg.vector_norm_complex", lambda T, a: T.linalg.vector_norm(a), shapes(((3, 2),)), dtypes=("complex128",)
    ),
    OpInfo(
        "linalg.matrix_norm",
        lambda T, a: [T.linalg.matrix_norm(a, o) for o in ("fro", "nuc", 2, -2, 1, -1, float("inf"), float("-inf"))],
        shapes(((3, 4),), ((2, 3, 3),)),
        tols=LINALG_TOLS,
        grad_tols=GRAD_TOLS,
        covers=("linalg.matrix_norm",),
    ),
    OpInfo(
        "linalg.matrix_norm_dim",
        lambda T, a: T.linalg.matrix_norm(a, 1, dim=(2, 0), keepdim=True),
        shapes(((2, 3, 4),)),
    ),
    OpInfo("linalg.matrix_norm_errors", lambda T, a: T.linalg.matrix_norm(a, 3), shapes(((3, 3),), ((3,),))),
    OpInfo(
        "linalg.norm",
        lambda T, a: [
            T.linalg.norm(a),
            T.linalg.norm(a, dim=1),
            T.linalg.norm(a, float("inf")),
            T.linalg.norm(a, "nuc"),
        ],
        shapes(((3, 4),)),
        tols=LINALG_TOLS,
        grad_tols=GRAD_TOLS,
        covers=("linalg.norm",),
    ),
    OpInfo(
        "linalg.norm_vec", lambda T, a: [T.linalg.norm(a, 3), T.linalg.norm(a, dim=(0, 1))], shapes(((4,),), ((2, 3),))
    ),
    OpInfo("linalg.norm_3d", lambda T, a: T.linalg.norm(a, 2), shapes(((2, 2, 2),))),
    OpInfo(
        "linalg.matrix_exp",
        lambda T, a: T.linalg.matrix_exp(a),
        shapes(((3, 3),), ((2, 2, 2),)),
        tols=LINALG_TOLS,
        grad_tols=GRAD_TOLS,
        covers=("linalg.matrix_exp",),
    ),
    OpInfo(
        "matrix_exp",
        lambda T, a: a.matrix_exp(),
        shapes(((3, 3),)),
        tols=LINALG_TOLS,
        grad_tols=GRAD_TOLS,
        covers=("matrix_exp", "Tensor.matrix_exp"),
    ),
    OpInfo(
        "linalg.solve_triangular",
        lambda T, a, b: (
            T.linalg.solve_triangular(a, b, upper=True),
            T.linalg.solve_triangular(a.mT, b, upper=False, unitriangular=True),
            T.linalg.solve_triangular(a, b.mT, upper=True, left=False),
        ),
        well_conditioned((), (2,), extra=lambda b: b + (3, 2)),
        tols=LINALG_TOLS,
        grad_tols=GRAD_TOLS,
        covers=("linalg.solve_triangular",),
    ),
    # eig: eigenvalues sorted by LAPACK in both; eigenvectors are unit vectors with a free phase, so
    # compare |v|. No gradients: jtorch raises NotImplementedError there (JAX has no eigenvector derivative).
    OpInfo(
        "linalg.eig",
        lambda T, a: (T.linalg.eig(a).eigenvalues, T.linalg.eig(a).eigenvectors.abs()),
        shapes(((3, 3),), ((2, 3, 3),)),
        tols=LINALG_TOLS,
        grad=False,
        covers=("linalg.eig",),
    ),
    OpInfo(
        "linalg.eigvals",
        lambda T, a: T.linalg.eigvals(a @ a.mT),  # symmetric: real eigenvalues, distinct w.p. 1
        shapes(((3, 3),)),
        tols=LINALG_TOLS,
        grad_tols=GRAD_TOLS,
        covers=("linalg.eigvals",),
    ),
    OpInfo(
        "linalg.cond",
        lambda T, a: [T.linalg.cond(a, p) for p in (None, -2)],
        well_conditioned((), (2,)),
        tols=LINALG_TOLS,
        grad_tols=GRAD_TOLS,
        covers=("linalg.cond",),
    ),
    # torch's own backward of the norm-based cond fails (it modifies inv's output in place), so values only.
    OpInfo(
        "linalg.cond_norms",
        lambda T, a: [T.linalg.cond(a, p) for p in ("fro", "nuc", 1, -1, float("inf"), float("-inf"))],
        well_conditioned((), (2,)),
        tols=LINALG_TOLS,
        grad=False,
    ),
    OpInfo("linalg.cond_rect", lambda T, a: T.linalg.cond(a), shapes(((2, 3),)), tols=LINALG_TOLS, grad_tols=GRAD_TOLS),
    OpInfo(
        "linalg.vander",
        lambda T, x: (T.linalg.vander(x), T.linalg.vander(x, N=2), T.linalg.vander(x * 0)),
        shapes(((3,),), ((2, 4),)),
        covers=("linalg.vander",),
    ),
    OpInfo("linalg.vander_int", lambda T, x: T.linalg.vander((x * 3).long()), shapes(((3,),)), grad=False),
    OpInfo(
        "linalg.lu_factor",
        lambda T, a: tuple(T.linalg.lu_factor(a)),
        shapes(((3, 3),), ((2, 3, 3),), ((2, 3),)),
        tols=LINALG_TOLS,
        grad_tols=GRAD_TOLS,
        covers=("linalg.lu_factor",),
    ),
    OpInfo(
        "linalg.lu",
        lambda T, a: tuple(T.linalg.lu(a)),
        shapes(((3, 3),), ((2, 3, 3),)),
        tols=LINALG_TOLS,
        grad_tols=GRAD_TOLS,
        covers=("linalg.lu",),
    ),
    OpInfo(
        "linalg.tensorinv",
        lambda T, a: T.linalg.tensorinv(a + 0, ind=1),
        well_conditioned((), n=4),
        tols=LINALG_TOLS,
        grad_tols=GRAD_TOLS,
        covers=("linalg.tensorinv",),
    ),
    OpInfo(
        "linalg.tensorsolve",
        lambda T, a, b: T.linalg.tensorsolve(a.reshape(2, 2, 4), b.reshape(2, 2)),
        well_conditioned((), n=4, extra=lambda b: (4,)),
        tols=LINALG_TOLS,
        grad_tols=GRAD_TOLS,
        covers=("linalg.tensorsolve",),
    ),
    OpInfo(
        "linalg.lu_solve",
        lambda T, a, b: (
            [
                T.linalg.lu_solve(*T.linalg.lu_factor(a), b, left=left, adjoint=adj)
                for left, adj in ((True, False), (True, True))
            ]
            + [T.linalg.lu_solve(*T.linalg.lu_factor(a), b.mT, left=False, adjoint=adj) for adj in (False, True)]
        ),
        lambda rng, dt: [
            S(randn(rng, (3, 3), dt), randn(rng, (3, 2), dt)),
            S(randn(rng, (2, 3, 3), dt), randn(rng, (3, 2), dt)),
        ],
        tols=LINALG_TOLS,
        grad_tols=GRAD_TOLS,
        covers=("linalg.lu_solve",),
    ),
    OpInfo(
        "linalg.diagonal",
        lambda T, a: T.linalg.diagonal(a, offset=1),
        shapes(((2, 3, 4),)),
        covers=("linalg.diagonal",),
    ),
]


# --- error types and messages, and grad_fn names ---------------------------------------------------
# The op database checks only the exception type when torch rejects a sample; these entries return
# (exception type name, message) so the text is compared too.


def _err(f, T, *args):
    try:
        out = f(T, *args)
    except Exception as e:  # noqa: BLE001 - the exception itself is the result under test
        return type(e).__name__, str(e).split(" (Triggered internally")[0]
    return "no error", str(tuple(out.shape)) if hasattr(out, "shape") else repr(type(out).__name__)


def _rg(t):
    return t.requires_grad_()


ERROR_CASES = [
    (lambda T, a, b: T.linalg.matrix_exp(a), ((2, 3), (1,))),
    (lambda T, a, b: T.linalg.matrix_exp(a.long()), ((3, 3), (1,))),
    (lambda T, a, b: T.linalg.solve_triangular(a, b, upper=True), ((3, 3), (3,))),
    (lambda T, a, b: T.linalg.solve_triangular(a, b, upper=True), ((3, 3), (2, 2))),
    (lambda T, a, b: T.linalg.eig(a), ((2, 3), (1,))),
    (lambda T, a, b: T.linalg.cond(a, 1), ((2, 3), (1,))),
    (lambda T, a, b: T.linalg.vander(a[0]), ((1,), (1,))),
    (lambda T, a, b: T.linalg.vander(a, N=1), ((3,), (1,))),
    # products
    (lambda T, a, b: T.mm(a, b), ((4, 5), (6, 1))),
    (lambda T, a, b: T.mm(a, b.double()), ((4, 5), (5, 1))),
    (lambda T, a, b: T.mm(a, b), ((5,), (5, 1))),
    (lambda T, a, b: T.mm(a, b), ((4, 5), (5,))),
    (lambda T, a, b: T.matmul(a, b), ((2, 3), (4, 2))),
    (lambda T, a, b: T.matmul(a, b), ((3,), (4,))),
    (lambda T, a, b: T.matmul(a, b.double()), ((3,), (3,))),
    (lambda T, a, b: T.matmul(a, b.double()), ((2, 3), (3,))),
    (lambda T, a, b: T.matmul(a, b.double()), ((3,), (3, 2))),
    (lambda T, a, b: T.matmul(a, b.double()), ((2, 2, 3), (3, 2))),
    (lambda T, a, b: T.matmul(a, b.double()), ((2, 2, 3), (2, 3, 2))),
    (lambda T, a, b: T.matmul(a, b), ((2, 3, 4), (5, 6))),
    (lambda T, a, b: T.matmul(a, b), ((2, 3, 4), (5,))),
    (lambda T, a, b: T.matmul(a, b), ((5,), (2, 3, 4))),
    (lambda T, a, b: T.matmul(_rg(a), b), ((5,), (2, 3, 4))),
    (lambda T, a, b: T.matmul(a, b), ((4, 5), (2, 3, 4))),
    (lambda T, a, b: T.matmul(_rg(a), b), ((4, 5), (2, 3, 4))),
    (lambda T, a, b: T.matmul(a, b), ((2, 3, 4), (3, 4, 5))),
    (lambda T, a, b: T.matmul(a, b), ((), (3,))),
    (lambda T, a, b: T.bmm(a, b), ((2, 2, 3), (2, 4, 2))),
    (lambda T, a, b: T.bmm(a, b), ((2, 3), (3, 2))),
    (lambda T, a, b: T.bmm(a, b.double()), ((2, 2, 3), (2, 3, 2))),
    (lambda T, a, b: T.mv(a, b), ((2, 3), (4,))),
    (lambda T, a, b: T.mv(a, b), ((2, 3), (3, 1))),
    (lambda T, a, b: T.mv(a, b.double()), ((2, 3), (3,))),
    (lambda T, a, b: T.dot(a, b), ((2,), (4,))),
    (lambda T, a, b: T.dot(a, b), ((2, 3), (3,))),
    (lambda T, a, b: T.dot(a, b.double()), ((2,), (2,))),
    (lambda T, a, b: T.vdot(a, b), ((2, 3), (3,))),
    (lambda T, a, b: T.outer(a, b), ((2, 3), (3,))),
    (lambda T, a, b: T.outer(a, b), ((3,), (2, 3))),
    (lambda T, a, b: T.addmm(a.double(), b, b.mT), ((2, 2), (2, 3))),
    (lambda T, a, b: T.addmm(a, b, b.mT.double()), ((2, 2), (2, 3))),
    (lambda T, a, b: T.addmm(a, b, b.mT), ((3,), (3, 2))),
    (lambda T, a, b: T.addmv(a.double(), b, b[0]), ((2,), (2, 3))),
    (lambda T, a, b: T.addmv(a, b, b), ((2,), (2, 3))),
    (lambda T, a, b: T.baddbmm(a.double(), b, b.mT), ((2, 2, 2), (2, 2, 3))),
    (lambda T, a, b: T.baddbmm(a, b, b), ((2, 2, 2), (2, 2, 3))),
    (lambda T, a, b: T.addbmm(a, b, b), ((2, 2), (2, 2, 3))),
    (lambda T, a, b: T.addbmm(a, b, b[:1].mT), ((2, 2), (2, 2, 3))),
    (lambda T, a, b: T.einsum("ij,jk", a), ((2, 3), (3,))),
    (lambda T, a, b: T.einsum("ij", a, b), ((2, 3), (3,))),
    (lambda T, a, b: T.einsum("ij,jk->ik", a, b), ((2, 3), (4, 5))),
    (lambda T, a, b: T.einsum("ijk,jk->ik", a, b), ((2, 1), (3, 2))),
    (lambda T, a, b: T.einsum("ij,jk->ik", a, b.double()), ((2, 3), (3, 5))),
    (lambda T, a, b: T.tensordot(a, b, 1), ((2, 3), (4, 5))),
    (lambda T, a, b: T.tensordot(a, b, dims=([1], [1])), ((2, 3), (4, 5))),
    (lambda T, a, b: T.tensordot(a, b.double(), 1), ((2, 3), (3, 5))),
    (lambda T, a, b: T.inner(a, b), ((2, 3), (4,))),
    (lambda T, a, b: T.inner(a, b.double()), ((2, 3), (3,))),
    (lambda T, a, b: T.cdist(a, b), ((2, 3), (4, 5))),
    (lambda T, a, b: T.cdist(a, b), ((3,), (4, 3))),
    (lambda T, a, b: T.cdist(a, b, p=-1.0), ((2, 3), (4, 3))),
    (lambda T, a, b: T.cdist(a.long(), b.long()), ((2, 3), (4, 3))),
    (lambda T, a, b: T.cdist(a, b.double()), ((2, 3), (4, 3))),
    (lambda T, a, b: T.linalg.multi_dot([a]), ((2, 3), (3,))),
    (lambda T, a, b: T.linalg.multi_dot([a, b]), ((2, 3), (4, 3))),
    (lambda T, a, b: T.linalg.multi_dot([a, b, a]), ((2, 3), (3,))),
    (lambda T, a, b: T.linalg.multi_dot([a, b]), ((2, 3), (2, 3, 3))),
    (lambda T, a, b: T.linalg.multi_dot([b, a]), ((2, 3), (2, 2, 3))),
    (lambda T, a, b: T.linalg.multi_dot([a, b.double()]), ((3,), (3, 4))),
    (lambda T, a, b: T.trace(a), ((2, 3, 3), (1,))),
    # torch.linalg
    (lambda T, a, b: T.linalg.inv(a), ((2, 3), (1,))),
    (lambda T, a, b: T.linalg.inv(a.long()), ((2, 2), (1,))),
    (lambda T, a, b: T.linalg.inv(a * 0), ((3, 3), (1,))),
    (lambda T, a, b: T.linalg.inv(a * 0), ((2, 3, 3), (1,))),
    (lambda T, a, b: T.inverse(T.tensor([[1.0, 2.0], [2.0, 4.0]])), ((1,), (1,))),
    (lambda T, a, b: T.linalg.det(a), ((3,), (1,))),
    (lambda T, a, b: T.linalg.det(a), ((2, 3), (1,))),
    (lambda T, a, b: T.det(a.int()), ((2, 2), (1,))),
    (lambda T, a, b: T.linalg.solve(a, b), ((2, 2), (3,))),
    (lambda T, a, b: T.linalg.solve(a, b), ((3, 3), (2, 2))),
    (lambda T, a, b: T.linalg.solve(a, b.double()), ((3, 3), (3, 2))),
    (lambda T, a, b: T.linalg.solve(a.long(), b.long()), ((3, 3), (3,))),
    (lambda T, a, b: T.linalg.solve(a * 0, b), ((2, 2), (2,))),
    (lambda T, a, b: T.linalg.cholesky(-T.eye(2)), ((1,), (1,))),
    (lambda T, a, b: T.linalg.cholesky(T.tensor([[1.0, 2.0], [2.0, 1.0]])), ((1,), (1,))),
    (lambda T, a, b: T.linalg.cholesky(-T.eye(2).expand(2, 2, 2)), ((1,), (1,))),
    (lambda T, a, b: T.linalg.cholesky(a), ((2, 3), (1,))),
    (lambda T, a, b: T.linalg.cholesky(a.long()), ((3, 3), (1,))),
    (lambda T, a, b: T.linalg.eigh(a), ((2, 3), (1,))),
    (lambda T, a, b: T.linalg.eigh(a, UPLO="X"), ((3, 3), (1,))),
    (lambda T, a, b: T.linalg.eigh(a.long()), ((3, 3), (1,))),
    (lambda T, a, b: T.linalg.qr(a, mode="bad"), ((3, 3), (1,))),
    (lambda T, a, b: T.linalg.qr(a.long()), ((3, 3), (1,))),
    (lambda T, a, b: T.linalg.svd(a.long()), ((3, 3), (1,))),
    (lambda T, a, b: T.linalg.svdvals(a.long()), ((3, 3), (1,))),
    (lambda T, a, b: T.linalg.pinv(a.long()), ((3, 3), (1,))),
    (lambda T, a, b: T.linalg.matrix_rank(a.int()), ((3, 3), (1,))),
    (lambda T, a, b: T.linalg.lstsq(a, b), ((3, 3), (2, 2))),
    (lambda T, a, b: T.linalg.lstsq(a, b.double()), ((3, 3), (3,))),
    (lambda T, a, b: T.linalg.lstsq(a.long(), b.long()), ((3, 3), (3,))),
    (lambda T, a, b: T.linalg.cross(a, b), ((2, 2), (2, 2))),
    (lambda T, a, b: T.linalg.cross(a, b), ((2, 3), (4, 3))),
    (lambda T, a, b: T.linalg.cross(a, b.double()), ((4, 3), (4, 3))),
    (lambda T, a, b: T.cross(a, b, dim=0), ((4, 3), (4, 3))),
    (lambda T, a, b: T.linalg.matrix_power(a, 2), ((2, 3), (1,))),
    (lambda T, a, b: T.linalg.matrix_power(a, 2), ((3,), (1,))),
    (lambda T, a, b: T.linalg.matrix_power(a.long(), -2), ((3, 3), (1,))),
    (lambda T, a, b: T.linalg.norm(a.long()), ((2, 3), (1,))),
    (lambda T, a, b: T.linalg.norm(a, 2), ((2, 2, 2), (1,))),
    (lambda T, a, b: T.linalg.norm(a, "fro"), ((3,), (1,))),
    (lambda T, a, b: T.linalg.vector_norm(a, dtype=T.int64), ((3,), (1,))),
    (lambda T, a, b: T.linalg.matrix_norm(a, 3), ((3, 3), (1,))),
    (lambda T, a, b: T.linalg.matrix_norm(a, dim=(0, 0)), ((3, 3), (1,))),
    (lambda T, a, b: T.linalg.matrix_norm(a.long()), ((3, 3), (1,))),
    (lambda T, a, b: T.linalg.matrix_norm(a, 2), ((3,), (1,))),
]


def _error_samples(rng, dtype):
    return [Sample((k,) + tuple(randn(rng, s, dtype) for s in shp)) for k, (_, shp) in enumerate(ERROR_CASES)]


GRAD_FN_CASES = [
    lambda T, a, b: T.matmul(a[0, 0], b[0, 0]),  # dot
    lambda T, a, b: T.matmul(a[0], b[0, 0]),  # mv
    lambda T, a, b: T.matmul(a[0, 0], b[0]),  # vector @ matrix
    lambda T, a, b: T.matmul(a[0], b[0]),  # mm
    lambda T, a, b: T.matmul(a, b[0]),  # folded
    lambda T, a, b: T.matmul(a[0], b),  # matrix @ batch, a requires grad
    lambda T, a, b: T.matmul(a.detach()[0], b),  # matrix @ batch, a does not
    lambda T, a, b: T.matmul(a, b),  # batched
    lambda T, a, b: T.bmm(a, b),
    lambda T, a, b: T.linalg.det(a[0]),
    lambda T, a, b: T.linalg.inv(a[0]),
    lambda T, a, b: T.trace(a[0]),
    lambda T, a, b: T.logdet(a[0]),
    lambda T, a, b: T.linalg.slogdet(a[0])[1],
    lambda T, a, b: T.linalg.svdvals(a[0]),
    lambda T, a, b: T.linalg.qr(a[0])[0],
    lambda T, a, b: T.linalg.eigvalsh(a[0]),
    lambda T, a, b: T.linalg.pinv(a[0]),
    lambda T, a, b: T.linalg.vector_norm(a),
    lambda T, a, b: T.linalg.matrix_norm(a[0], 2),
    lambda T, a, b: T.linalg.matrix_norm(a[0], "nuc"),
    lambda T, a, b: T.linalg.matrix_power(a[0], 0),
    lambda T, a, b: T.linalg.matrix_power(a[0], 3),
    lambda T, a, b: T.linalg.solve(a[0], b[0]),
    lambda T, a, b: T.linalg.cross(a[0], b[0]),
    lambda T, a, b: T.cdist(a[0], b[0]),
    lambda T, a, b: T.outer(a[0, 0], b[0, 0]),
    lambda T, a, b: T.vdot(a[0, 0], b[0, 0]),
    lambda T, a, b: T.kron(a[0], b[0]),
    lambda T, a, b: T.addmm(a[0], a[0], b[0]),
    lambda T, a, b: T.baddbmm(a, a, b),
]


def _grad_fn_name(k, T, a, b):
    a, b = a.requires_grad_(), b.requires_grad_()
    return GRAD_FN_CASES[k](T, a, b).grad_fn.name()


OPS += [
    OpInfo(
        "linalg_error_messages",
        lambda T, k, *args: _err(ERROR_CASES[k][0], T, *args),
        _error_samples,
        dtypes=("float32",),
        grad=False,
    ),
    OpInfo(
        "linalg_grad_fn_names",
        lambda T, k, a, b: _grad_fn_name(k, T, a, b),
        lambda rng, dt: [
            Sample((k, randn(rng, (2, 3, 3), dt), randn(rng, (2, 3, 3), dt))) for k in range(len(GRAD_FN_CASES))
        ],
        dtypes=("float64",),
        grad=False,
    ),
]
