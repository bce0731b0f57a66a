"""Embedding/EmbeddingBag, Upsample/interpolate, pixel shuffle, fold/unfold, padding layers and distance
modules against real torch: outputs, input and weight gradients, repr, torch's errors."""

import numpy as np
import pytest
import torch
from opinfo import assert_same, covers
from test_nn_conv_pool import check_module, copy_weights  # noqa: F401 - check_module used below

import jtorch

torch.set_num_threads(1)

F32 = (1e-6, 1e-6)  # gathers and sums of a few terms
F64 = (1e-12, 1e-12)

IDX = np.array([[1, 2, 4, 5], [4, 3, 2, 9], [0, 0, 4, 1]], np.int64)

EMB_SPECS = [
    ("Embedding", lambda T: T.nn.Embedding(10, 3), dict()),
    ("Embedding_pad", lambda T: T.nn.Embedding(10, 3, padding_idx=4), dict()),
    ("Embedding_negpad_freq", lambda T: T.nn.Embedding(10, 3, padding_idx=-10, scale_grad_by_freq=True), dict()),
    ("Embedding_max_norm", lambda T: T.nn.Embedding(10, 3, max_norm=1.0), dict()),
    ("Embedding_max_norm_1", lambda T: T.nn.Embedding(10, 3, max_norm=0.5, norm_type=1.0), dict()),
    ("EmbeddingBag_mean", lambda T: T.nn.EmbeddingBag(10, 3), dict()),
    ("EmbeddingBag_sum_pad", lambda T: T.nn.EmbeddingBag(10, 3, mode="sum", padding_idx=4), dict()),
    ("EmbeddingBag_max", lambda T: T.nn.EmbeddingBag(10, 3, mode="max"), dict()),
    (
        "EmbeddingBag_offsets",
        lambda T: T.nn.EmbeddingBag(10, 3, mode="mean", padding_idx=0),
        dict(offsets=[0, 3, 3, 7]),
    ),
    ("EmbeddingBag_offsets_max", lambda T: T.nn.EmbeddingBag(10, 3, mode="max"), dict(offsets=[0, 3, 3, 7])),
    (
        "EmbeddingBag_last_offset",
        lambda T: T.nn.EmbeddingBag(10, 3, mode="sum", include_last_offset=True),
        dict(offsets=[0, 2, 5, 12]),
    ),  # fmt: skip
    ("EmbeddingBag_psw", lambda T: T.nn.EmbeddingBag(10, 3, mode="sum"), dict(psw=True)),
    ("EmbeddingBag_psw_offsets", lambda T: T.nn.EmbeddingBag(10, 3, mode="sum"), dict(psw=True, offsets=[0, 5, 6])),
]
covers("nn.Embedding", "nn.EmbeddingBag", "nn.functional.embedding", "nn.functional.embedding_bag")


@pytest.mark.parametrize("spec", EMB_SPECS, ids=[s[0] for s in EMB_SPECS])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_embedding_matches_torch(spec, dtype):
    """Output, weight gradient (padding rows zero, frequency scaling) and max_norm's in-place renorm."""
    name, ctor, opts = spec
    torch.manual_seed(0)
    tm, jm = ctor(torch).to(getattr(torch, dtype)), ctor(jtorch).to(getattr(jtorch, dtype))
    assert repr(jm) == repr(tm)
    copy_weights(tm, jm)
    rng = np.random.default_rng(0)
    idx = IDX.reshape(-1) if "offsets" in opts else IDX
    psw = rng.standard_normal(idx.shape).astype(dtype) if opts.get("psw") else None
    outs = []
    for T, m in ((torch, tm), (jtorch, jm)):
        args = [T.from_numpy(idx.copy())]
        if "offsets" in opts:
            args.append(T.tensor(opts["offsets"]))
        elif psw is not None:
            args.append(None)
        p = None
        if psw is not None:
            p = T.from_numpy(psw.copy()).requires_grad_()
            args.append(p)
        out = m(*args)
        cot = np.random.default_rng(1).standard_normal(tuple(out.shape)).astype(dtype)
        (out * T.from_numpy(cot)).sum().backward()
        outs.append((out, m.weight.grad, m.weight.detach(), p.grad if p is not None else None))
    tol = F32 if dtype == "float32" else F64
    for a, b, what in zip(outs[0], outs[1], ["output", "weight grad", "weight after", "psw grad"]):
        if a is None:
            assert b is None
            continue
        assert_same(a, b, *tol, f"{name} {what}")


def test_embedding_bag_scale_grad_by_freq_divides_by_frequency():
    """Documented difference: torch 2.13's CPU embedding_bag(scale_grad_by_freq=True) scales some rows by the
    wrong count (index 3, seen once, gets 0.5; index 4, seen 3 times, gets 1.5 in total); jtorch divides each
    row's gradient by its true frequency, as F.embedding does (so every looked-up row gets 1 here)."""
    m = jtorch.nn.EmbeddingBag(10, 1, mode="sum", scale_grad_by_freq=True)
    m(jtorch.from_numpy(IDX)).sum().backward()
    np.testing.assert_allclose(m.weight.grad.numpy().ravel(), [1, 1, 1, 1, 1, 1, 0, 0, 0, 1], rtol=1e-6)


def test_embedding_from_pretrained_and_init():
    w = np.random.default_rng(0).standard_normal((5, 3)).astype("float32")
    for freeze in (True, False):
        for cls in ("Embedding", "EmbeddingBag"):
            t = getattr(torch.nn, cls).from_pretrained(torch.from_numpy(w), freeze=freeze)
            j = getattr(jtorch.nn, cls).from_pretrained(jtorch.from_numpy(w), freeze=freeze)
            assert repr(j) == repr(t) and j.weight.requires_grad == t.weight.requires_grad == (not freeze)
            x = [[0, 4], [2, 2]]
            assert_same(t(torch.tensor(x)), j(jtorch.tensor(x)), 0, 0, cls)
    jtorch.manual_seed(0)
    e = jtorch.nn.Embedding(400, 50, padding_idx=3)
    a = e.weight.detach().numpy()
    assert np.all(a[3] == 0)
    rest = np.delete(a, 3, axis=0).ravel()  # N(0, 1): mean and std within ~5 standard errors over 19950 draws
    assert abs(rest.mean()) < 0.04 and abs(rest.std() - 1) < 0.03


def _emb_errors(T):
    out = []
    for f in [
        lambda: T.nn.Embedding(10, 3, padding_idx=10),
        lambda: T.nn.Embedding(10, 3)(T.tensor([10])),
        lambda: T.nn.Embedding(10, 3)(T.tensor([1.0])),
        lambda: T.nn.EmbeddingBag(10, 3)(T.tensor([1, 2])),
        lambda: T.nn.EmbeddingBag(10, 3)(T.tensor([[1, 2]]), T.tensor([0])),
        lambda: T.nn.EmbeddingBag(10, 3)(T.tensor([[1, 2]]), None, T.ones(1, 2)),
        lambda: T.nn.EmbeddingBag(10, 3, mode="min")(T.tensor([[1, 2]])),
        lambda: T.nn.Embedding.from_pretrained(T.ones(3)),
    ]:
        try:
            f()
            out.append(None)
        except Exception as e:  # noqa: BLE001 - comparing whatever torch raises
            out.append((type(e), str(e)))
    return out


def test_embedding_errors():
    for t, j in zip(_emb_errors(torch), _emb_errors(jtorch)):
        assert t is not None and t == j, (t, j)  # the 2-d+offsets message names torch.Tensor as torch's does
    with pytest.raises(NotImplementedError, match="sparse"):
        jtorch.nn.Embedding(3, 2, sparse=True)(jtorch.tensor([1]))


SHAPE_SPECS = [
    ("ZeroPad1d", lambda T: T.nn.ZeroPad1d((1, 2)), [(2, 3, 4)]),
    ("ZeroPad2d", lambda T: T.nn.ZeroPad2d((1, 0, 2, -1)), [(2, 3, 4, 4)]),
    ("ZeroPad3d", lambda T: T.nn.ZeroPad3d(1), [(1, 2, 2, 3, 2)]),
    ("ConstantPad1d", lambda T: T.nn.ConstantPad1d(2, 3.5), [(2, 3, 4)]),
    ("ConstantPad2d", lambda T: T.nn.ConstantPad2d((1, 2, 0, 1), -1.0), [(3, 4, 4)]),
    ("ConstantPad3d", lambda T: T.nn.ConstantPad3d((1, 0, 0, 1, 1, 1), 2.0), [(1, 2, 2, 3, 2)]),
    ("ReflectionPad1d", lambda T: T.nn.ReflectionPad1d((2, 1)), [(2, 3, 4)]),
    ("ReflectionPad2d", lambda T: T.nn.ReflectionPad2d(1), [(2, 3, 4, 4)]),
    ("ReflectionPad3d", lambda T: T.nn.ReflectionPad3d(1), [(1, 2, 2, 3, 2)]),
    ("ReplicationPad1d", lambda T: T.nn.ReplicationPad1d((2, 1)), [(2, 3, 4)]),
    ("ReplicationPad2d", lambda T: T.nn.ReplicationPad2d((1, 2, 3, 0)), [(2, 3, 4, 4)]),
    ("ReplicationPad3d", lambda T: T.nn.ReplicationPad3d(1), [(1, 2, 2, 3, 2)]),
    ("CircularPad1d", lambda T: T.nn.CircularPad1d((2, 1)), [(2, 3, 4)]),
    ("CircularPad2d", lambda T: T.nn.CircularPad2d(1), [(2, 3, 4, 4)]),
    ("CircularPad3d", lambda T: T.nn.CircularPad3d((1, 0, 1, 0, 0, 1)), [(1, 2, 2, 3, 2)]),
    ("PixelShuffle", lambda T: T.nn.PixelShuffle(2), [(2, 8, 3, 2)]),
    ("PixelUnshuffle", lambda T: T.nn.PixelUnshuffle(2), [(2, 2, 4, 6)]),
    ("PixelShuffle_5d", lambda T: T.nn.PixelShuffle(3), [(2, 1, 9, 2, 2)]),
    ("ChannelShuffle", lambda T: T.nn.ChannelShuffle(3), [(2, 6, 2, 2)]),
]
covers(*(f"nn.{s[0].split('_')[0]}" for s in SHAPE_SPECS), "nn.functional.pixel_shuffle",
       "nn.functional.pixel_unshuffle", "nn.functional.channel_shuffle", "nn.functional.native_channel_shuffle",
       "nn.ChannelShuffle")  # fmt: skip


@pytest.mark.parametrize("spec", SHAPE_SPECS, ids=[s[0] for s in SHAPE_SPECS])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_shape_layers_match_torch(spec, dtype):
    """Pure data movement: outputs to 1e-7; input gradients of reflect/replicate/circular pads sum 2-3 terms
    in another order, so 1e-6 (check_module's 10x) for those."""
    name, ctor, shapes = spec
    check_module(ctor, shapes, dtype, name, tol=(1e-7, 1e-7))


def test_channel_shuffle_and_errors():
    x = np.arange(2 * 6 * 2 * 2, dtype=np.float32).reshape(2, 6, 2, 2)
    assert_same(torch.nn.functional.channel_shuffle(torch.from_numpy(x), 3),
                jtorch.nn.functional.channel_shuffle(jtorch.from_numpy(x), 3), 0, 0, "channel_shuffle")  # fmt: skip
    for T in (torch, jtorch):
        for f, exc in [
            (lambda T=T: T.nn.functional.pixel_shuffle(T.ones(2, 5, 2, 2), 2), RuntimeError),
            (lambda T=T: T.nn.functional.pixel_unshuffle(T.ones(2, 5, 3, 2), 2), RuntimeError),
            (lambda T=T: T.nn.ReflectionPad1d(4)(T.ones(1, 2, 3)), RuntimeError),
        ]:
            with pytest.raises(exc):
                f()
