"""Op database entries: F.interpolate (every mode, align_corners, size vs scale_factor, antialias, ATen's
same-size and 2-d nearest quirks), the deprecated upsample forms, fold/unfold, affine_grid and grid_sample. Values and
gradients against torch for float32 and float64; shapes are few and small, since each one compiles.

grid_sample and bicubic use float32 tolerances of 1e-5: ATen's vectorized kernels unnormalize with a
different (algebraically equal) formula and accumulate 4 to 16 weighted taps in another order."""

import warnings

import numpy as np
from opinfo import OpInfo, Sample, randn


def F(T):
    return T.nn.functional


LOOSE = {"float32": (1e-5, 1e-5), "float64": (1e-7, 1e-7)}


def interp_samples(rng, dtype):
    x3, x4, x5 = randn(rng, (1, 2, 5), dtype), randn(rng, (1, 2, 4, 5), dtype), randn(rng, (1, 1, 3, 3, 4), dtype)
    return [
        Sample((x3,), {"scale_factor": 2.1}),  # nearest: forward and backward use different indices in ATen
        Sample((x3,), {"size": 7, "mode": "nearest-exact"}),
        Sample((x3,), {"size": 8, "mode": "linear"}),
        Sample((x3,), {"scale_factor": 0.6, "mode": "linear", "align_corners": True}),
        Sample((x4,), {"scale_factor": (2.1, 1.3)}),  # 2-d nearest: ATen's nearest_idx shortcuts
        Sample((x4,), {"size": (3, 7), "mode": "bilinear"}),
        Sample((x4,), {"scale_factor": 1.5, "mode": "bicubic", "align_corners": True}),
        Sample((x4,), {"scale_factor": 1.2, "mode": "bicubic"}),  # same size: ATen's backward copies
        Sample((x4,), {"size": (2, 3), "mode": "area"}),
        Sample((x4,), {"size": (2, 3), "mode": "bilinear", "antialias": True}),
        Sample((x4,), {"scale_factor": (0.6, 1.5), "mode": "bicubic", "antialias": True}),
        Sample((x5,), {"scale_factor": 1.5, "mode": "trilinear"}),
        # torch's errors
        Sample((x3,), {"size": 4, "scale_factor": 2.0}),
        Sample((x3,), {"size": 4, "mode": "bilinear"}),
        Sample((x3,), {"size": 4, "mode": "foo"}),
        Sample((x3,), {"size": 4, "align_corners": True}),
        Sample((x3,), {"size": (4, 4)}),
        Sample((x3,), {"scale_factor": 0.1}),
        Sample((x4,), {"size": 3, "mode": "bilinear", "recompute_scale_factor": True}),
        Sample((x3,), {"size": 3, "mode": "linear", "antialias": True}),
    ]


def _quiet(fname, **fixed):
    def call(T, *args, **kwargs):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return getattr(F(T), fname)(*args, **fixed, **kwargs)

    return call


def upsample_samples(rng, dtype):
    return [Sample((randn(rng, (1, 2, 4, 5), dtype),), {"size": (3, 7)})]


def unfold_samples(rng, dtype):
    x = randn(rng, (2, 3, 5, 6), dtype)
    return [
        Sample((x, 2)),
        Sample((x, (2, 3)), {"dilation": (2, 1), "padding": 1, "stride": (2, 1)}),
        Sample((randn(rng, (3, 4, 4), dtype), 3), {"padding": 1}),
        Sample((x, 7)),  # blocks too small: RuntimeError
        Sample((x, 0)),  # RuntimeError
        Sample((randn(rng, (5, 6), dtype), 2)),  # IndexError
    ]


def fold_samples(rng, dtype):
    return [
        Sample((randn(rng, (2, 12, 12), dtype), (4, 5), 2)),
        Sample((randn(rng, (12, 9), dtype), (5, 6), (2, 3)), {"dilation": (2, 1), "padding": 1, "stride": 2}),
        Sample((randn(rng, (2, 12, 11), dtype), (4, 5), 2)),  # wrong block count
        Sample((randn(rng, (2, 11, 12), dtype), (4, 5), 2)),  # channels not divisible
    ]


def affine_samples(rng, dtype):
    t2, t3 = randn(rng, (2, 2, 3), dtype), randn(rng, (2, 3, 4), dtype)
    return [
        Sample((t2, (2, 3, 4, 5)), {"align_corners": False}),
        Sample((t2, (2, 3, 4, 5)), {"align_corners": True}),
        Sample((t3, (2, 1, 2, 3, 4)), {"align_corners": False}),
        Sample((t2, (2, 3, 5)), {"align_corners": False}),  # NotImplementedError
        Sample((t3, (2, 3, 4, 5)), {"align_corners": False}),  # ValueError
    ]


def grid_samples(rng, dtype):
    x, x5 = randn(rng, (2, 3, 4, 5), dtype), randn(rng, (1, 2, 3, 4, 5), dtype)
    g = np.asarray(1.3 * rng.standard_normal((2, 3, 4, 2))).astype(dtype)
    g5 = np.asarray(1.3 * rng.standard_normal((1, 2, 3, 2, 3))).astype(dtype)
    return [
        Sample((x, g), {"align_corners": False}),
        Sample((x, g), {"padding_mode": "reflection", "align_corners": False}),
        Sample((x, g), {"mode": "nearest", "padding_mode": "reflection", "align_corners": True}),
        Sample((x, g), {"mode": "bicubic", "padding_mode": "reflection", "align_corners": True}),
        Sample((x5, g5), {"padding_mode": "border", "align_corners": True}),
        Sample((x, g), {"mode": "foo", "align_corners": False}),  # ValueError
        Sample((x, g5), {"align_corners": False}),  # RuntimeError
        Sample((x5, g5), {"mode": "bicubic", "align_corners": False}),  # RuntimeError
    ]


OPS = [
    OpInfo(
        "nn.functional.interpolate",
        lambda T, x, **kw: F(T).interpolate(x, **kw),
        interp_samples,
        tols=LOOSE,
        covers=("nn.functional.interpolate",),
    ),
    OpInfo("nn.functional.upsample", _quiet("upsample", mode="bilinear"), upsample_samples, covers=("nn.functional.upsample",)),
    OpInfo("nn.functional.upsample_nearest", _quiet("upsample_nearest"), upsample_samples, covers=("nn.functional.upsample_nearest",)),
    OpInfo("nn.functional.upsample_bilinear", _quiet("upsample_bilinear"), upsample_samples, covers=("nn.functional.upsample_bilinear",)),
    OpInfo("nn.functional.unfold", lambda T, *a, **kw: F(T).unfold(*a, **kw), unfold_samples, covers=("nn.functional.unfold",)),
    OpInfo("nn.functional.fold", lambda T, *a, **kw: F(T).fold(*a, **kw), fold_samples, covers=("nn.functional.fold",)),
    OpInfo(
        "nn.functional.affine_grid",
        _quiet("affine_grid"),
        affine_samples,
        tols=LOOSE,
        covers=("nn.functional.affine_grid",),
    ),
    OpInfo(
        "nn.functional.grid_sample",
        lambda T, *a, **kw: F(T).grid_sample(*a, **kw),
        grid_samples,
        tols=LOOSE,
        covers=("nn.functional.grid_sample",),
    ),
]  # fmt: skip
