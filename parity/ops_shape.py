"""Op database entries: shape ops (views, reshapes, joins, splits, flips) from jtorch/_ops/shape.py."""

import numpy as np
from opinfo import OpInfo, Sample, randn


def _s(*shapes_kwargs, noncontig=False):
    """Samples from (shape, kwargs) pairs; a shape of None passes no tensor."""

    def samples(rng, dtype):
        return [Sample((randn(rng, shp, dtype),), kw, noncontig=noncontig) for shp, kw in shapes_kwargs]

    return samples


def _pair(shape_a, shape_b):
    def samples(rng, dtype):
        return [Sample((randn(rng, shape_a, dtype), randn(rng, shape_b, dtype)))]

    return samples


def _three(rng, dtype):
    return [
        Sample((randn(rng, (2, 3), dtype), randn(rng, (2, 3), dtype), randn(rng, (2, 3), dtype))),
        Sample((randn(rng, (2, 3), dtype), randn(rng, (2, 3), dtype), randn(rng, (2, 3), dtype)), noncontig=True),
    ]


def _mixed_dtypes(rng, dtype):
    return [Sample((randn(rng, (2, 3), dtype), rng.integers(0, 5, (2, 3)).astype("int64")))]


T234 = (2, 3, 4)

OPS = [
    OpInfo(
        "view",
        lambda T, x, *s: x.view(*s),
        lambda rng, dt: [
            Sample((randn(rng, T234, dt), 6, 4)),
            Sample((randn(rng, T234, dt), -1)),
            Sample((randn(rng, T234, dt), (4, -1))),
            Sample((randn(rng, T234, dt), 5, -1)),  # invalid: both raise RuntimeError
            Sample((randn(rng, (), dt), 1)),
        ],
        covers=("Tensor.view",),
    ),
    OpInfo(
        "reshape",
        lambda T, x, *s: T.reshape(x, s) if len(s) != 1 else x.reshape(*s),
        lambda rng, dt: [
            Sample((randn(rng, T234, dt), 6, -1)),
            Sample((randn(rng, T234, dt), (-1,))),
            Sample((randn(rng, T234, dt), 4, 3, 2), noncontig=True),
            Sample((randn(rng, (0, 3), dt), 3, -1, 0)),
        ],
        covers=("reshape", "Tensor.reshape"),
    ),
    OpInfo("view_as", lambda T, x, y: x.view_as(y), _pair((3, 4), (4, 3)), covers=("Tensor.view_as",)),
    OpInfo("reshape_as", lambda T, x, y: x.reshape_as(y), _pair((3, 4), (2, 6)), covers=("Tensor.reshape_as",)),
    OpInfo(
        "flatten",
        lambda T, x, **kw: T.flatten(x, **kw),
        _s(
            (T234, {}),
            (T234, {"start_dim": 1}),
            (T234, {"start_dim": 0, "end_dim": -2}),
            ((), {}),
            (T234, {"start_dim": 2, "end_dim": 1}),
        ),
        covers=("flatten", "Tensor.flatten"),
    ),
    OpInfo(
        "unflatten",
        lambda T, x, d, s: x.unflatten(d, s) if d else T.unflatten(x, d, s),
        lambda rng, dt: [Sample((randn(rng, (6, 4), dt), 0, (2, 3))), Sample((randn(rng, (6, 4), dt), -1, (2, -1)))],
        covers=("unflatten", "Tensor.unflatten"),
    ),
    OpInfo(
        "squeeze",
        lambda T, x, **kw: T.squeeze(x, **kw),
        _s(
            ((2, 1, 3, 1), {}),
            ((2, 1, 3, 1), {"dim": 1}),
            ((2, 1, 3, 1), {"dim": 0}),
            ((2, 1, 3, 1), {"dim": (1, -1)}),
            ((1,), {}),
        ),
        covers=("squeeze", "Tensor.squeeze"),
    ),
    OpInfo("squeeze_method", lambda T, x: x.squeeze(-1), _s(((3, 1), {}))),
    OpInfo(
        "unsqueeze",
        lambda T, x, d: x.unsqueeze(d) if d else T.unsqueeze(x, d),
        lambda rng, dt: [
            Sample((randn(rng, (3, 4), dt), 0)),
            Sample((randn(rng, (3, 4), dt), -1)),
            Sample((randn(rng, (3, 4), dt), 3)),
        ],
        covers=("unsqueeze", "Tensor.unsqueeze"),
    ),
    OpInfo(
        "permute",
        lambda T, x, *d: x.permute(*d) if len(d) > 1 else T.permute(x, d[0]),
        lambda rng, dt: [
            Sample((randn(rng, T234, dt), 2, 0, 1)),
            Sample((randn(rng, T234, dt), (1, -1, 0))),
            Sample((randn(rng, T234, dt), 0, 0, 1)),
            Sample((randn(rng, T234, dt), (1, 0))),
        ],
        covers=("permute", "Tensor.permute"),
    ),
    OpInfo(
        "transpose",
        lambda T, x, a, b: T.transpose(x, a, b),
        lambda rng, dt: [
            Sample((randn(rng, T234, dt), 0, 2)),
            Sample((randn(rng, T234, dt), -1, 1), noncontig=True),
            Sample((randn(rng, T234, dt), 0, 3)),
        ],
        covers=("transpose", "Tensor.transpose"),
    ),
    OpInfo(
        "swapaxes",
        lambda T, x: T.swapaxes(x, 0, 1) + x.swapaxes(1, 0),
        _s(((3, 3), {})),
        covers=("swapaxes", "Tensor.swapaxes"),
    ),
    OpInfo(
        "swapdims",
        lambda T, x: T.swapdims(x, 0, -1) * x.swapdims(-1, 0),
        _s(((3, 3), {})),
        covers=("swapdims", "Tensor.swapdims"),
    ),
    OpInfo("t", lambda T, x: T.t(x), _s(((3, 4), {}), ((4,), {}), ((), {}), (T234, {})), covers=("t", "Tensor.t")),
    OpInfo("T", lambda T, x: x.T, _s(((3, 4), {}), ((), {})), covers=("Tensor.T",)),
    OpInfo("mT", lambda T, x: x.mT, _s((T234, {}), ((3, 4), {}), ((4,), {})), covers=("Tensor.mT",)),
    OpInfo(
        "expand",
        lambda T, x, *s: x.expand(*s),
        lambda rng, dt: [
            Sample((randn(rng, (3, 1), dt), 2, 3, 4)),
            Sample((randn(rng, (3, 1), dt), (-1, 5))),
            Sample((randn(rng, (3, 1), dt), 3, 1)),
            Sample((randn(rng, (3, 2), dt), 3, 4)),  # invalid
            Sample((randn(rng, (), dt), 2)),
        ],
        covers=("Tensor.expand",),
    ),
    OpInfo("expand_as", lambda T, x, y: x.expand_as(y), _pair((1, 4), (3, 4)), covers=("Tensor.expand_as",)),
    OpInfo(
        "broadcast_to",
        lambda T, x, s: T.broadcast_to(x, s) + x.broadcast_to(s),
        lambda rng, dt: [Sample((randn(rng, (3, 1), dt), (2, 3, 4))), Sample((randn(rng, (4,), dt), (3, -1)))],
        covers=("broadcast_to", "Tensor.broadcast_to"),
    ),
    OpInfo(
        "repeat",
        lambda T, x, *s: x.repeat(*s),
        lambda rng, dt: [
            Sample((randn(rng, (2, 3), dt), 2, 1)),
            Sample((randn(rng, (2, 3), dt), 2, 1, 3)),
            Sample((randn(rng, (3,), dt), (2,))),
        ],
        covers=("Tensor.repeat",),
    ),
    OpInfo(
        "tile",
        lambda T, x, s: T.tile(x, s) + x.tile(s),
        lambda rng, dt: [Sample((randn(rng, (2, 3), dt), (2,))), Sample((randn(rng, (2, 3), dt), (2, 1, 2)))],
        covers=("tile", "Tensor.tile"),
    ),
    OpInfo("cat", lambda T, *xs: T.cat(xs, 1), _three, covers=("cat",)),
    OpInfo("concat", lambda T, *xs: T.concat(list(xs), dim=0), _three, covers=("concat",)),
    OpInfo("concatenate", lambda T, *xs: T.concatenate(xs, -1), _three, covers=("concatenate",)),
    OpInfo("cat_promote", lambda T, x, y: T.cat([x, y]), _mixed_dtypes),
    OpInfo(
        "cat_empty",
        lambda T, x, y: T.cat([x, y]),
        lambda rng, dt: [Sample((randn(rng, (0,), dt), randn(rng, (2, 3), dt)))],
    ),
    OpInfo("cat_bad", lambda T, x, y: T.cat([x, y]), _pair((2, 3), (2, 4))),
    OpInfo("stack", lambda T, *xs: T.stack(xs, 1), _three, covers=("stack",)),
    OpInfo("stack_neg", lambda T, *xs: T.stack(xs, dim=-1), _three),
    OpInfo("stack_promote", lambda T, x, y: T.stack([x, y]), _mixed_dtypes),
    OpInfo("stack_bad", lambda T, x, y: T.stack([x, y]), _pair((2, 3), (3, 2))),
    OpInfo(
        "split",
        lambda T, x, s, d: T.split(x, s, d),
        lambda rng, dt: [
            Sample((randn(rng, (5, 4), dt), 2, 0)),
            Sample((randn(rng, (5, 4), dt), [1, 3], 1)),
            Sample((randn(rng, (5, 4), dt), [1, 3], 0)),  # sizes do not sum: RuntimeError
        ],
        covers=("split",),
    ),
    OpInfo("split_method", lambda T, x: x.split([2, 3]), _s(((5, 2), {})), covers=("Tensor.split",)),
    OpInfo(
        "chunk",
        lambda T, x, c, d: x.chunk(c, d) if d else T.chunk(x, c, d),
        lambda rng, dt: [
            Sample((randn(rng, (5, 4), dt), 2, 0)),
            Sample((randn(rng, (5, 4), dt), 3, 1)),
            Sample((randn(rng, (5, 4), dt), 0, 0)),
        ],
        covers=("chunk", "Tensor.chunk"),
    ),
    OpInfo(
        "unbind",
        lambda T, x, d: x.unbind(d) if d else T.unbind(x),
        lambda rng, dt: [Sample((randn(rng, (3, 4), dt), 0)), Sample((randn(rng, (3, 4), dt), -1))],
        covers=("unbind", "Tensor.unbind"),
    ),
    OpInfo(
        "narrow",
        lambda T, x, d, s, n: T.narrow(x, d, s, n) * x.narrow(d, s, n),
        lambda rng, dt: [
            Sample((randn(rng, (5, 4), dt), 0, 1, 3)),
            Sample((randn(rng, (5, 4), dt), -1, -2, 2)),
            Sample((randn(rng, (5, 4), dt), 0, 3, 3)),
        ],
        covers=("narrow", "Tensor.narrow"),
    ),
    OpInfo(
        "select",
        lambda T, x, d, i: T.select(x, d, i) - x.select(d, i),
        lambda rng, dt: [
            Sample((randn(rng, (5, 4), dt), 0, 1)),
            Sample((randn(rng, (5, 4), dt), 1, -1)),
            Sample((randn(rng, (5, 4), dt), 1, 4)),
        ],
        covers=("select", "Tensor.select"),
    ),
    OpInfo(
        "flip",
        lambda T, x, d: T.flip(x, d) * 2 + x.flip(d),
        lambda rng, dt: [
            Sample((randn(rng, T234, dt), (0, 2))),
            Sample((randn(rng, T234, dt), [-1])),
            Sample((randn(rng, T234, dt), (1,)), noncontig=True),
        ],
        covers=("flip", "Tensor.flip"),
    ),
    OpInfo(
        "fliplr",
        lambda T, x: T.fliplr(x) + x.fliplr(),
        _s(((3, 4), {}), ((4,), {})),
        covers=("fliplr", "Tensor.fliplr"),
    ),
    OpInfo(
        "flipud",
        lambda T, x: T.flipud(x) + x.flipud(),
        _s(((3, 4), {}), ((4,), {})),
        covers=("flipud", "Tensor.flipud"),
    ),
    OpInfo(
        "roll",
        lambda T, x, s, d=None: T.roll(x, s, d) + x.roll(s, d),
        lambda rng, dt: [
            Sample((randn(rng, (3, 4), dt), 1)),
            Sample((randn(rng, (3, 4), dt), -2, 1)),
            Sample((randn(rng, (3, 4), dt), (1, 3), (0, 1))),
        ],
        covers=("roll", "Tensor.roll"),
    ),
    OpInfo(
        "movedim",
        lambda T, x, s, d: T.movedim(x, s, d) - x.movedim(s, d),
        lambda rng, dt: [Sample((randn(rng, T234, dt), 0, -1)), Sample((randn(rng, T234, dt), (0, 1), (2, 0)))],
        covers=("movedim", "Tensor.movedim"),
    ),
    OpInfo(
        "moveaxis",
        lambda T, x: T.moveaxis(x, 1, 0) + x.moveaxis(0, 1),
        _s(((3, 3), {})),
        covers=("moveaxis", "Tensor.moveaxis"),
    ),
    OpInfo(
        "tensor_split",
        lambda T, x, s, d=0: T.tensor_split(x, s, d) + x.tensor_split(s, dim=d),
        lambda rng, dt: [
            Sample((randn(rng, (5, 4), dt), 3)),
            Sample((randn(rng, (5, 4), dt), [1, 3], 1)),
            Sample((randn(rng, (5, 4), dt), [3, 1, 7], 0)),
            Sample((randn(rng, (5, 4), dt), np.array([1, 3]), 1)),
            Sample((randn(rng, (5, 4), dt), 0)),  # RuntimeError
        ],
        covers=("tensor_split", "Tensor.tensor_split"),
    ),
    OpInfo(
        "hsplit",
        lambda T, x, s: T.hsplit(x, s) + x.hsplit(s),
        lambda rng, dt: [
            Sample((randn(rng, (3, 4), dt), 2)),
            Sample((randn(rng, (6,), dt), [1, 4])),
            Sample((randn(rng, (3, 4), dt), 3)),  # not divisible: RuntimeError
        ],
        covers=("hsplit", "Tensor.hsplit"),
    ),
    OpInfo(
        "vsplit",
        lambda T, x, s: T.vsplit(x, s) + x.vsplit(s),
        lambda rng, dt: [Sample((randn(rng, (4, 3), dt), 2)), Sample((randn(rng, (4,), dt), 2))],
        covers=("vsplit", "Tensor.vsplit"),
    ),
    OpInfo(
        "dsplit",
        lambda T, x, s: T.dsplit(x, s) + x.dsplit(s),
        lambda rng, dt: [Sample((randn(rng, (2, 2, 4), dt), [1])), Sample((randn(rng, (2, 4), dt), 2))],
        covers=("dsplit", "Tensor.dsplit"),
    ),
    OpInfo("ravel", lambda T, x: T.ravel(x) + x.ravel(), _s((T234, {}), ((), {})), covers=("ravel", "Tensor.ravel")),
    OpInfo(
        "adjoint",
        lambda T, x: T.adjoint(x) + x.adjoint(),
        _s((T234, {}), ((3, 4), {})),
        covers=("adjoint", "Tensor.adjoint"),
    ),
]
