"""Op database entries: torch.nn.functional activations, softmax family, linear layers, padding,
one_hot, distances and the deterministic dropout cases (random ones: parity/test_nn_layers.py)."""

import numpy as np
from opinfo import OpInfo, Sample, randn, unary_samples


def F(T):
    return T.nn.functional


def scaled(k):
    """randn scaled by ``k`` so piecewise ops see every branch (e.g. hardswish's |x| > 3)."""
    return lambda rng, shape, dtype: np.asarray(k * rng.standard_normal(shape)).astype(dtype)


def shapes(*shape_list, gen=randn, **kwargs):
    def samples(rng, dtype):
        return [Sample((gen(rng, s, dtype),), dict(kwargs)) for s in shape_list]

    return samples


HALF = ("float32", "float64", "float16", "bfloat16")  # half types compute in float32 and round once, as torch


def act(name, call, covers=(), samples=None, **kw):
    kw.setdefault("dtypes", HALF)
    return OpInfo(name, call, samples or unary_samples(), covers=covers, **kw)


def _inplace(fname, **kwargs):
    return lambda T, x: getattr(F(T), fname)(x.clone(), **kwargs, inplace=True)


def prelu_samples(rng, dtype):
    return [
        Sample((randn(rng, (2, 3, 4), dtype), randn(rng, (3,), dtype))),
        Sample((randn(rng, (2, 3), dtype), randn(rng, (1,), dtype))),
        Sample((randn(rng, (4,), dtype), randn(rng, (1,), dtype))),
        Sample((randn(rng, (), dtype), randn(rng, (1,), dtype))),
        Sample((randn(rng, (2, 3, 2, 2), dtype), randn(rng, (3,), dtype))),
        Sample((randn(rng, (2, 4), dtype), randn(rng, (3,), dtype))),  # channel mismatch: RuntimeError
        Sample((randn(rng, (2, 3), dtype), randn(rng, (3, 1), dtype))),  # 2-d weight: RuntimeError
    ]


def softmax_samples(rng, dtype):
    return [
        Sample((randn(rng, (3, 4), dtype),), {"dim": 1}),
        Sample((randn(rng, (3, 4), dtype),), {"dim": 0}),
        Sample((randn(rng, (2, 3, 4), dtype),), {"dim": -1}),
        Sample((randn(rng, (5,), dtype),), {"dim": 0}),
        Sample((randn(rng, (), dtype),), {"dim": 0}),
        Sample((randn(rng, (3, 4), dtype),), {"dim": 1, "dtype": "float64"}),
        Sample((randn(rng, (3, 4), dtype),), {"dim": 2}),  # IndexError
        Sample((np.array([1, 2, 3]),), {"dim": 0}),  # integer input: NotImplementedError
        Sample((np.array([1, 2, 3]),), {"dim": 0, "dtype": "float32"}),
    ]


def _softmax(fname):
    def call(T, x, dim, dtype=None):
        return getattr(F(T), fname)(x, dim=dim, dtype=None if dtype is None else getattr(T, dtype))

    return call


def linear_samples(rng, dtype):
    return [
        Sample((randn(rng, (3, 4), dtype), randn(rng, (5, 4), dtype), randn(rng, (5,), dtype))),
        Sample((randn(rng, (3, 4), dtype), randn(rng, (5, 4), dtype), None)),
        Sample((randn(rng, (2, 3, 4), dtype), randn(rng, (5, 4), dtype), randn(rng, (5,), dtype))),
        Sample((randn(rng, (2, 3, 4), dtype), randn(rng, (5, 4), dtype), None)),
        Sample((randn(rng, (4,), dtype), randn(rng, (5, 4), dtype), randn(rng, (5,), dtype))),
        Sample((randn(rng, (4,), dtype), randn(rng, (4,), dtype), None)),
        Sample((randn(rng, (3, 4), dtype), randn(rng, (5, 4), dtype), randn(rng, (1,), dtype))),
        Sample((randn(rng, (3, 4), dtype), randn(rng, (5, 3), dtype), None)),  # RuntimeError
        Sample((randn(rng, (3, 4), dtype), randn(rng, (5, 4), dtype), randn(rng, (4,), dtype))),  # RuntimeError
        Sample((randn(rng, (4, 3), dtype), randn(rng, (5, 3), dtype), randn(rng, (5,), dtype)), noncontig=True),
    ]


def bilinear_samples(rng, dtype):
    return [
        Sample(
            (
                randn(rng, (3, 4), dtype),
                randn(rng, (3, 2), dtype),
                randn(rng, (5, 4, 2), dtype),
                randn(rng, (5,), dtype),
            )
        ),
        Sample((randn(rng, (3, 4), dtype), randn(rng, (3, 2), dtype), randn(rng, (5, 4, 2), dtype), None)),
        Sample((randn(rng, (2, 3, 4), dtype), randn(rng, (2, 3, 2), dtype), randn(rng, (5, 4, 2), dtype), None)),
        Sample(
            (randn(rng, (4,), dtype), randn(rng, (2,), dtype), randn(rng, (5, 4, 2), dtype), randn(rng, (5,), dtype))
        ),
        Sample((randn(rng, (3, 4), dtype), randn(rng, (3, 3), dtype), randn(rng, (5, 4, 2), dtype), None)),  # error
        Sample((randn(rng, (3, 4), dtype), randn(rng, (2, 2), dtype), randn(rng, (5, 4, 2), dtype), None)),  # error
    ]


def pad_samples(rng, dtype):
    x3, x4, x5 = randn(rng, (1, 2, 5), dtype), randn(rng, (1, 2, 3, 4), dtype), randn(rng, (1, 1, 3, 3, 4), dtype)
    out = []
    for mode in ("constant", "reflect", "replicate", "circular"):
        out += [
            Sample((x3, (1, 2)), {"mode": mode}),
            Sample((randn(rng, (2, 5), dtype), (2, 1)), {"mode": mode}),
            Sample((x4, (1, 2, 2, 1)), {"mode": mode}),
            Sample((randn(rng, (2, 3, 4), dtype), (1, 1, 2, 0)), {"mode": mode}),
            Sample((x5, (1, 2, 0, 1, 2, 1)), {"mode": mode}),
            Sample((x3, (-1, 2)), {"mode": mode}),
            Sample((x3, (5, 5)), {"mode": mode}),  # reflect / circular: too large
        ]
    out += [
        Sample((x3, (1, 2)), {"mode": "constant", "value": 2.5}),
        Sample((randn(rng, (3,), dtype), (2, 1)), {}),
        Sample((x3, (1, 1, 1, 1, 1, 1)), {}),
        Sample((x3, (-2, -1, 1, 0)), {}),
        Sample((x3, (1,)), {}),  # odd length: RuntimeError
        Sample((x3, (1, 1, 1, 1, 1, 1, 1, 1)), {}),  # too long: RuntimeError
        Sample((x3, (1, 1, 1, 1, 1, 1)), {"mode": "reflect"}),  # NotImplementedError
        Sample((x3, (1, 1)), {"mode": "foo"}),  # NotImplementedError
    ]
    return out


def one_hot_samples(rng, dtype):
    return [
        Sample((np.array([0, 2, 1]),), {}),
        Sample((np.array([[0, 2], [1, 3]]),), {"num_classes": 5}),
        Sample((np.array(3),), {}),
        Sample((np.zeros((0,), np.int64),), {"num_classes": 3}),
        Sample((np.array([0, 2, 1]),), {"num_classes": 2}),  # RuntimeError
        Sample((np.array([0, -2, 1]),), {}),  # RuntimeError
        Sample((np.array([0, 2, 1], np.int32),), {}),  # RuntimeError
        Sample((np.zeros((0,), np.int64),), {}),  # RuntimeError
    ]


def pair_samples(rng, dtype):
    return [
        Sample((randn(rng, (3, 4), dtype), randn(rng, (3, 4), dtype))),
        Sample((randn(rng, (3, 4), dtype), randn(rng, (4,), dtype))),
        Sample((randn(rng, (2, 3, 4), dtype), randn(rng, (2, 3, 4), dtype)), {"dim": 0}),
        Sample((randn(rng, (5,), dtype), randn(rng, (5,), dtype)), {"dim": 0}),
        Sample((randn(rng, (3, 4), dtype), randn(rng, (2, 4), dtype))),  # RuntimeError
    ]


def pairwise_samples(rng, dtype):
    return [
        Sample((randn(rng, (3, 4), dtype), randn(rng, (3, 4), dtype))),
        Sample((randn(rng, (3, 4), dtype), randn(rng, (4,), dtype)), {"p": 1.0}),
        Sample((randn(rng, (2, 3, 4), dtype), randn(rng, (2, 3, 4), dtype)), {"p": 3.0, "keepdim": True}),
        Sample((randn(rng, (5,), dtype), randn(rng, (5,), dtype)), {"eps": 1e-3}),
    ]


def pdist_samples(rng, dtype):
    return [
        Sample((randn(rng, (4, 3), dtype),)),
        Sample((randn(rng, (5, 2), dtype),), {"p": 1}),
        Sample((randn(rng, (4, 3), dtype),), {"p": 3.5}),
        Sample((randn(rng, (4, 3), dtype),), {"p": float("inf")}),
        Sample((randn(rng, (1, 3), dtype),)),
        Sample((randn(rng, (2, 3, 4), dtype),)),  # RuntimeError
        Sample((randn(rng, (4, 3), dtype),), {"p": -1}),  # RuntimeError
    ]


def glu_samples(rng, dtype):
    return [
        Sample((randn(rng, (3, 4), dtype),)),
        Sample((randn(rng, (4, 3), dtype),), {"dim": 0}),
        Sample((randn(rng, (2, 6, 2), dtype),), {"dim": 1}),
        Sample((randn(rng, (3, 3), dtype),), {"dim": 1}),  # RuntimeError
        Sample((randn(rng, (), dtype),), {"dim": 0}),  # RuntimeError
    ]


def dropout_samples(rng, dtype):
    return [
        Sample((randn(rng, (3, 4), dtype),), {"p": 0.5, "training": False}),
        Sample((randn(rng, (3, 4), dtype),), {"p": 0.0, "training": True}),
        Sample((randn(rng, (3, 4), dtype),), {"p": 1.0, "training": True}),
        Sample((randn(rng, (3, 4), dtype),), {"p": 1.5}),  # ValueError
        Sample((randn(rng, (3, 4), dtype),), {"p": -0.1}),  # ValueError
    ]


def _fn(name):
    return lambda T, *a, **k: getattr(F(T), name)(*a, **k)


OPS = [
    act("nn.functional.relu", _fn("relu"), ("nn.functional.relu",)),
    act("nn.functional.relu_inplace", _inplace("relu"), ("nn.functional.relu_",)),
    act(
        "nn.functional.relu_int",
        _fn("relu"),
        samples=shapes((5,), gen=lambda r, s, d: r.integers(-5, 5, s)),
        grad=False,
    ),
    act("nn.functional.relu6", _fn("relu6"), ("nn.functional.relu6",), unary_samples(scaled(5))),
    act("nn.functional.leaky_relu", _fn("leaky_relu"), ("nn.functional.leaky_relu",)),
    act("nn.functional.leaky_relu_slope", lambda T, x: F(T).leaky_relu(x, 0.2)),
    act("nn.functional.leaky_relu_inplace", _inplace("leaky_relu", negative_slope=0.3), ("nn.functional.leaky_relu_",)),
    OpInfo("nn.functional.prelu", _fn("prelu"), prelu_samples, covers=("nn.functional.prelu",)),
    act("nn.functional.rrelu_eval", _fn("rrelu"), ("nn.functional.rrelu",)),
    act("nn.functional.rrelu_eval_bounds", lambda T, x: F(T).rrelu(x, 0.1, 0.6, training=False)),
    act("nn.functional.elu", _fn("elu"), ("nn.functional.elu",)),
    act("nn.functional.elu_alpha", lambda T, x: F(T).elu(x, alpha=0.5)),
    act("nn.functional.elu_inplace", _inplace("elu", alpha=1.5), ("nn.functional.elu_",)),
    act("nn.functional.selu", _fn("selu"), ("nn.functional.selu",)),
    act("nn.functional.celu", lambda T, x: F(T).celu(x, alpha=0.7), ("nn.functional.celu",)),
    act("nn.functional.celu_alpha0", lambda T, x: F(T).celu(x, alpha=0.0), samples=shapes((3,))),
    act("nn.functional.gelu", _fn("gelu"), ("nn.functional.gelu",)),
    act("nn.functional.gelu_tanh", lambda T, x: F(T).gelu(x, approximate="tanh")),
    act("nn.functional.gelu_bad", lambda T, x: F(T).gelu(x, approximate="foo"), samples=shapes((3,))),
    act("nn.functional.silu", _fn("silu"), ("nn.functional.silu",)),
    act("nn.functional.silu_inplace", _inplace("silu")),
    act("nn.functional.mish", _fn("mish"), ("nn.functional.mish",)),
    act("nn.functional.softplus", _fn("softplus"), ("nn.functional.softplus",)),
    act(
        "nn.functional.softplus_beta",
        lambda T, x: F(T).softplus(x, beta=2.0, threshold=1.5),
        samples=unary_samples(scaled(2)),
    ),
    act("nn.functional.softsign", _fn("softsign"), ("nn.functional.softsign",)),
    act("nn.functional.hardtanh", _fn("hardtanh"), ("nn.functional.hardtanh",), unary_samples(scaled(2))),
    act("nn.functional.hardtanh_range", lambda T, x: F(T).hardtanh(x, -0.5, 2.0), samples=unary_samples(scaled(2))),
    act(
        "nn.functional.hardtanh_inplace",
        lambda T, x: F(T).hardtanh_(x.clone(), -0.5, 0.5),
        ("nn.functional.hardtanh_",),
    ),
    act("nn.functional.hardtanh_bad", lambda T, x: F(T).hardtanh(x, 2.0, 1.0), samples=shapes((3,))),
    act("nn.functional.hardswish", _fn("hardswish"), ("nn.functional.hardswish",), unary_samples(scaled(4))),
    act("nn.functional.hardsigmoid", _fn("hardsigmoid"), ("nn.functional.hardsigmoid",), unary_samples(scaled(4))),
    act("nn.functional.sigmoid", _fn("sigmoid"), ("nn.functional.sigmoid",)),
    act("nn.functional.logsigmoid", _fn("logsigmoid"), ("nn.functional.logsigmoid",), unary_samples(scaled(5))),
    act("nn.functional.tanh", _fn("tanh"), ("nn.functional.tanh",)),
    act("nn.functional.tanhshrink", _fn("tanhshrink"), ("nn.functional.tanhshrink",)),
    act("nn.functional.softshrink", lambda T, x: F(T).softshrink(x, 0.3), ("nn.functional.softshrink",)),
    act("nn.functional.softshrink_bad", lambda T, x: F(T).softshrink(x, -0.5), samples=shapes((3,))),
    act("nn.functional.hardshrink", _fn("hardshrink"), ("nn.functional.hardshrink",)),
    act("nn.functional.threshold", lambda T, x: F(T).threshold(x, 0.1, -2.0), ("nn.functional.threshold",)),
    act("nn.functional.threshold_", lambda T, x: F(T).threshold_(x.clone(), 0.1, 20.0), ("nn.functional.threshold_",)),
    act(
        "nn.functional.float_only_int",
        lambda T, x: F(T).elu(x),
        samples=shapes((3,), gen=lambda r, s, d: r.integers(-5, 5, s)),
    ),
    OpInfo("nn.functional.softmax", _softmax("softmax"), softmax_samples, HALF, covers=("nn.functional.softmax",)),
    OpInfo(
        "nn.functional.log_softmax",
        _softmax("log_softmax"),
        softmax_samples,
        HALF,
        covers=("nn.functional.log_softmax",),
    ),
    OpInfo("nn.functional.softmin", _softmax("softmin"), softmax_samples, covers=("nn.functional.softmin",)),
    OpInfo("nn.functional.glu", _fn("glu"), glu_samples, HALF, covers=("nn.functional.glu",)),
    OpInfo(
        "nn.functional.normalize",
        _fn("normalize"),
        lambda rng, dt: [
            Sample((randn(rng, (3, 4), dt),)),
            Sample((randn(rng, (3, 4), dt),), {"p": 1.0, "dim": 0}),
            Sample((randn(rng, (2, 3, 4), dt),), {"dim": -1}),
            Sample((np.zeros((2, 3), dt),), {}),
        ],
        covers=("nn.functional.normalize",),
    ),
    OpInfo(
        "nn.functional.linear",
        _fn("linear"),
        linear_samples,
        covers=("nn.functional.linear",),
        tols={"float32": (1e-5, 1e-5)},
    ),  # XLA and MKL sum dot products in different orders
    OpInfo(
        "nn.functional.bilinear",
        _fn("bilinear"),
        bilinear_samples,
        covers=("nn.functional.bilinear",),
        tols={"float32": (1e-5, 1e-5)},
    ),
    OpInfo("nn.functional.pad", lambda T, x, p, **k: F(T).pad(x, p, **k), pad_samples, covers=("nn.functional.pad",)),
    OpInfo(
        "nn.functional.one_hot",
        _fn("one_hot"),
        one_hot_samples,
        dtypes=("int64",),
        grad=False,
        covers=("nn.functional.one_hot",),
    ),
    OpInfo(
        "nn.functional.cosine_similarity",
        _fn("cosine_similarity"),
        pair_samples,
        covers=("nn.functional.cosine_similarity",),
    ),
    OpInfo(
        "nn.functional.pairwise_distance",
        _fn("pairwise_distance"),
        pairwise_samples,
        covers=("nn.functional.pairwise_distance",),
    ),
    OpInfo("nn.functional.pdist", _fn("pdist"), pdist_samples, covers=("nn.functional.pdist",)),
    OpInfo("nn.functional.dropout_det", _fn("dropout"), dropout_samples, covers=("nn.functional.dropout",)),
    OpInfo(
        "nn.functional.alpha_dropout_det",
        _fn("alpha_dropout"),
        dropout_samples,
        covers=("nn.functional.alpha_dropout",),
    ),
]
