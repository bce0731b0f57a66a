"""Attention and transformers against real torch: F.scaled_dot_product_attention (masks, causal, scale,
GQA, dropout), nn.MultiheadAttention (packed/separate projections, bias_kv, zero_attn, batch_first,
masks, weights), the Transformer encoder/decoder layers and stacks and nn.Transformer. Weights are
copied from torch via numpy; outputs and input/parameter gradients must match, in train mode with
dropout=0 and in eval mode, and state_dict keys/shapes and repr must equal torch's."""

import warnings

import numpy as np
import pytest
import torch
from opinfo import assert_same, covers

import jtorch

torch.set_num_threads(1)

# The layers build nn.LayerNorm, which another helper adds to jtorch/nn/modules/normalization.py.
needs_layer_norm = pytest.mark.skipif(not hasattr(jtorch.nn, "LayerNorm"), reason="nn.LayerNorm not available yet")

# float32: attention is two matmuls and a softmax (1e-5); a transformer layer chains ~6 matmuls and
# two LayerNorms whose 1/std amplifies summation-order differences, so layers use 1e-4 relative.
TOLS = {"float32": (1e-5, 1e-5), "float64": (1e-10, 1e-12)}
LAYER_TOLS = {"float32": (1e-4, 2e-5), "float64": (1e-9, 1e-11)}
DTYPES = ["float32", "float64"]


def _leaf(rng, shape, dtype, grad=True):
    a = rng.standard_normal(shape).astype(dtype)
    return torch.tensor(a, requires_grad=grad), jtorch.tensor(a, requires_grad=grad)


def _j(t):
    return jtorch.tensor(t.detach().numpy()) if isinstance(t, torch.Tensor) else t


def _pair(make, dtype):
    torch.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # enable_nested_tensor warnings, checked separately
        tm = make(torch).to(getattr(torch, dtype))
        jm = make(jtorch).to(getattr(jtorch, dtype))
    assert repr(jm) == repr(tm)
    t_sd, j_sd = tm.state_dict(), jm.state_dict()
    assert [(k, tuple(v.shape)) for k, v in j_sd.items()] == [(k, tuple(v.shape)) for k, v in t_sd.items()]
    jm.load_state_dict({k: jtorch.tensor(v.detach().numpy()) for k, v in t_sd.items()})
    return tm, jm


def _backward_and_compare(t_out, j_out, tm, jm, t_in, j_in, rtol, atol):
    t_out = t_out[0] if isinstance(t_out, tuple) else t_out
    j_out = j_out[0] if isinstance(j_out, tuple) else j_out
    (t_out * t_out).sum().backward()
    (j_out * j_out).sum().backward()
    for k, (a, b) in enumerate(zip(t_in, j_in)):
        assert_same(a.grad, b.grad, rtol, atol, f"input grad {k}")
    if tm is not None:
        for (name, p), q in zip(tm.named_parameters(), jm.parameters()):
            assert_same(p.grad, q.grad, rtol, atol, f"grad {name}")


_MASK = np.array([[1, 0, 1, 1, 0], [1, 1, 0, 0, 0], [0, 1, 1, 1, 1]], bool)  # every row attends somewhere

SDPA_CASES = [
    ("plain", (2, 2, 3, 4), (2, 2, 5, 4), {}),
    ("causal", (2, 2, 3, 4), (2, 2, 5, 4), {"is_causal": True}),
    ("bool_mask", (2, 2, 3, 4), (2, 2, 5, 4), {"attn_mask": torch.tensor(_MASK)}),
    ("float_mask", (2, 2, 3, 4), (2, 2, 5, 4), {"attn_mask": "float"}),
    (
        "row_fully_masked",
        (2, 2, 3, 4),
        (2, 2, 5, 4),
        {"attn_mask": torch.tensor(_MASK & np.array([[1], [0], [1]], bool))},
    ),
    ("scale_3d", (2, 3, 4), (2, 5, 4), {"scale": 0.3}),
    ("gqa", (2, 4, 3, 4), (2, 2, 5, 4), {"enable_gqa": True}),
]


@covers("nn.functional.scaled_dot_product_attention")
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", SDPA_CASES, ids=[c[0] for c in SDPA_CASES])
def test_sdpa(case, dtype):
    _, qs, ks, kw = case
    rtol, atol = TOLS[dtype]
    rng = np.random.default_rng(0)
    tq, jq = _leaf(rng, qs, dtype)
    tk, jk = _leaf(rng, ks, dtype)
    tv, jv = _leaf(rng, ks[:-1] + (3,), dtype)  # value's feature size may differ
    if kw.get("attn_mask") == "float":
        kw = {**kw, "attn_mask": torch.tensor(rng.standard_normal((qs[-2], ks[-2])).astype(dtype))}
    t_out = torch.nn.functional.scaled_dot_product_attention(tq, tk, tv, **kw)
    j_out = jtorch.nn.functional.scaled_dot_product_attention(jq, jk, jv, **{k: _j(v) for k, v in kw.items()})
    assert_same(t_out, j_out, rtol, atol, "forward")
    _backward_and_compare(t_out, j_out, None, None, [tq, tk, tv], [jq, jk, jv], rtol, atol)


def test_sdpa_dropout():
    """dropout_p always applies (no training flag); kept weights scale by 1/(1-p); p=1 gives zeros."""
    q = jtorch.zeros(4, 2, 8, 8)
    v = jtorch.ones(4, 2, 16, 8)
    out = jtorch.nn.functional.scaled_dot_product_attention(q, q[:, :, :1].expand(4, 2, 16, 8), v, dropout_p=0.5)
    vals = out.numpy()
    # each output is (kept count * 2) / 16 with kept ~ Binomial(16, 0.5): mean 1, std 0.25 per element
    assert abs(vals.mean() - 1.0) < 0.1 and vals.std() > 0.1
    t = torch.nn.functional.scaled_dot_product_attention(
        torch.ones(1, 2, 4), torch.ones(1, 3, 4), torch.ones(1, 3, 4), dropout_p=1.0
    )
    j = jtorch.nn.functional.scaled_dot_product_attention(
        jtorch.ones(1, 2, 4), jtorch.ones(1, 3, 4), jtorch.ones(1, 3, 4), dropout_p=1.0
    )
    assert_same(t, j, 0, 0)


def _raises(fn_t, fn_j, exc):
    with pytest.raises(exc) as et:
        fn_t()
    with pytest.raises(exc) as ej:
        fn_j()
    assert str(ej.value) == str(et.value)


def test_attention_errors():
    F = {T: T.nn.functional for T in (torch, jtorch)}
    _raises(lambda: F[torch].scaled_dot_product_attention(torch.ones(1, 2, 4), torch.ones(1, 3, 4).double(), torch.ones(1, 3, 4)),
            lambda: F[jtorch].scaled_dot_product_attention(jtorch.ones(1, 2, 4), jtorch.ones(1, 3, 4).double(), jtorch.ones(1, 3, 4)),
            RuntimeError)  # fmt: skip
    _raises(lambda: F[torch].scaled_dot_product_attention(torch.ones(1, 2, 4), torch.ones(1, 3, 3), torch.ones(1, 3, 4)),
            lambda: F[jtorch].scaled_dot_product_attention(jtorch.ones(1, 2, 4), jtorch.ones(1, 3, 3), jtorch.ones(1, 3, 4)),
            RuntimeError)  # fmt: skip
    _raises(lambda: F[torch].scaled_dot_product_attention(torch.ones(1, 2, 4), torch.ones(1, 3, 4), torch.ones(1, 3, 4), torch.ones(2, 3, dtype=torch.long)),
            lambda: F[jtorch].scaled_dot_product_attention(jtorch.ones(1, 2, 4), jtorch.ones(1, 3, 4), jtorch.ones(1, 3, 4), jtorch.ones(2, 3, dtype=jtorch.long)),
            RuntimeError)  # fmt: skip
    q = {T: T.ones(1, 2, 4, requires_grad=True) for T in (torch, jtorch)}
    _raises(lambda: F[torch].scaled_dot_product_attention(q[torch], q[torch], q[torch], torch.ones(2, 2, dtype=torch.bool), is_causal=True),
            lambda: F[jtorch].scaled_dot_product_attention(q[jtorch], q[jtorch], q[jtorch], jtorch.ones(2, 2, dtype=jtorch.bool), is_causal=True),
            RuntimeError)  # fmt: skip
    _raises(lambda: torch.nn.MultiheadAttention(5, 2), lambda: jtorch.nn.MultiheadAttention(5, 2), AssertionError)
    _raises(lambda: torch.nn.MultiheadAttention(0, 2), lambda: jtorch.nn.MultiheadAttention(0, 2), ValueError)
    m = {T: T.nn.MultiheadAttention(4, 2) for T in (torch, jtorch)}
    x = {T: T.ones(3, 2, 4) for T in (torch, jtorch)}
    _raises(lambda: m[torch](x[torch], x[torch], x[torch], is_causal=True),
            lambda: m[jtorch](x[jtorch], x[jtorch], x[jtorch], is_causal=True), RuntimeError)  # fmt: skip
    _raises(lambda: m[torch](x[torch], x[torch], x[torch], attn_mask=torch.zeros(3, 4)),
            lambda: m[jtorch](x[jtorch], x[jtorch], x[jtorch], attn_mask=jtorch.zeros(3, 4)), RuntimeError)  # fmt: skip
    _raises(lambda: m[torch](x[torch], x[torch][0], x[torch][0]),
            lambda: m[jtorch](x[jtorch], x[jtorch][0], x[jtorch][0]), AssertionError)  # fmt: skip
    _raises(lambda: m[torch](x[torch][..., :3], x[torch], x[torch]),
            lambda: m[jtorch](x[jtorch][..., :3], x[jtorch], x[jtorch]), AssertionError)  # fmt: skip


MHA_SPECS = [
    ("default", {}),
    ("batch_first", {"batch_first": True}),
    ("bias_kv_zero_attn", {"add_bias_kv": True, "add_zero_attn": True}),
    ("kdim_vdim", {"kdim": 3, "vdim": 5}),
    ("no_bias", {"bias": False}),
]
_KPM = np.array([[0, 0, 0, 0, 0], [0, 0, 0, 1, 1]], bool)
MHA_CALLS = [
    ("weights", {}),
    ("key_padding_mask", {"key_padding_mask": torch.tensor(_KPM)}),
    ("no_weights_attn_mask", {"need_weights": False, "attn_mask": torch.tensor(~_MASK)}),
    ("per_head_float_mask", {"attn_mask": "float3d", "average_attn_weights": False}),
]


@covers("nn.MultiheadAttention", "nn.functional.multi_head_attention_forward")
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("spec", MHA_SPECS, ids=[s[0] for s in MHA_SPECS])
def test_multihead_attention(spec, dtype):
    _, kw = spec
    rtol, atol = TOLS[dtype]
    tm, jm = _pair(lambda T: T.nn.MultiheadAttention(4, 2, **kw), dtype)
    bf = kw.get("batch_first", False)
    rng = np.random.default_rng(1)
    for name, call in MHA_CALLS:
        tq, jq = _leaf(rng, (2, 3, 4) if bf else (3, 2, 4), dtype)
        tk, jk = _leaf(rng, (2, 5, kw.get("kdim", 4)) if bf else (5, 2, kw.get("kdim", 4)), dtype)
        tv, jv = _leaf(rng, (2, 5, kw.get("vdim", 4)) if bf else (5, 2, kw.get("vdim", 4)), dtype)
        if call.get("attn_mask") == "float3d":
            call = {**call, "attn_mask": torch.tensor(rng.standard_normal((4, 3, 5)).astype(dtype))}
        t_out = tm(tq, tk, tv, **call)
        j_out = jm(jq, jk, jv, **{k: _j(v) for k, v in call.items()})
        assert_same(t_out, j_out, rtol, atol, name)
        tm.zero_grad()
        jm.zero_grad()
        _backward_and_compare(t_out, j_out, tm, jm, [tq, tk, tv], [jq, jk, jv], rtol, atol)
    if "kdim" not in kw:  # self-attention (the packed projection's fused path), unbatched
        tx, jx = _leaf(rng, (3, 4), dtype)
        assert_same(tm(tx, tx, tx), jm(jx, jx, jx), rtol, atol, "unbatched self-attention")


def _layer_specs():
    relu = {torch: torch.nn.functional.relu, jtorch: jtorch.nn.functional.relu}
    return [
        ("enc", lambda T: T.nn.TransformerEncoderLayer(4, 2, 8, dropout=0.0), "enc"),
        ("enc_gelu_normfirst_bf", lambda T: T.nn.TransformerEncoderLayer(4, 2, 8, 0.0, "gelu", batch_first=True,
                                                                           norm_first=True), "enc_bf"),
        ("enc_module_act_nobias", lambda T: T.nn.TransformerEncoderLayer(4, 2, 8, 0.0, T.nn.GELU(), bias=False), "enc"),
        ("dec", lambda T: T.nn.TransformerDecoderLayer(4, 2, 8, dropout=0.0), "dec"),
        ("dec_normfirst", lambda T: T.nn.TransformerDecoderLayer(4, 2, 8, 0.0, relu[T], norm_first=True), "dec"),
        ("encoder_2l", lambda T: T.nn.TransformerEncoder(T.nn.TransformerEncoderLayer(4, 2, 8, 0.0), 2,
                                                         norm=T.nn.LayerNorm(4)), "enc"),
        ("decoder_2l", lambda T: T.nn.TransformerDecoder(T.nn.TransformerDecoderLayer(4, 2, 8, 0.0), 2), "dec"),
        ("transformer", lambda T: T.nn.Transformer(4, 2, 2, 1, 8, dropout=0.0), "seq2seq"),
    ]  # fmt: skip


LAYER_SPECS = _layer_specs()


@needs_layer_norm
@covers(
    "nn.TransformerEncoderLayer",
    "nn.TransformerDecoderLayer",
    "nn.TransformerEncoder",
    "nn.TransformerDecoder",
    "nn.Transformer",
)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("spec", LAYER_SPECS, ids=[s[0] for s in LAYER_SPECS])
def test_transformer_layers(spec, dtype):
    _, make, kind = spec
    rtol, atol = LAYER_TOLS[dtype]
    tm, jm = _pair(make, dtype)
    rng = np.random.default_rng(2)
    tx, jx = _leaf(rng, (2, 5, 4) if kind == "enc_bf" else (5, 2, 4), dtype)
    if kind.startswith("enc"):
        kpm = torch.tensor(_KPM)
        calls = [((tx,), (jx,), {}), ((tx,), (jx,), {"src_key_padding_mask": kpm})]
    else:
        tmem, jmem = _leaf(rng, (3, 2, 4), dtype)
        causal = torch.nn.Transformer.generate_square_subsequent_mask(5, dtype=getattr(torch, dtype))
        kw = (
            {"tgt_mask": causal}
            if kind == "dec"
            else {"tgt_mask": causal, "src_key_padding_mask": torch.tensor(_KPM[:, :3])}
        )
        calls = [((tmem, tx), (jmem, jx), kw)] if kind == "seq2seq" else [((tx, tmem), (jx, jmem), kw)]
    for t_args, j_args, kw in calls:
        for train in (True, False):
            tm.train(train)
            jm.train(train)
            tm.zero_grad()
            jm.zero_grad()
            for a in t_args + j_args:
                a.grad = None
            t_out = tm(*t_args, **kw)
            j_out = jm(*j_args, **{k: _j(v) for k, v in kw.items()})
            assert_same(t_out, j_out, rtol, atol, f"forward {kw.keys()} train={train}")
            _backward_and_compare(t_out, j_out, tm, jm, list(t_args), list(j_args), rtol, atol)


@needs_layer_norm
def test_transformer_encoder_keys_and_warning():
    """A 2-layer TransformerEncoder has torch's state_dict keys, and torch's nested-tensor warning."""
    with pytest.warns(UserWarning) as rec_j:
        jm = jtorch.nn.TransformerEncoder(jtorch.nn.TransformerEncoderLayer(4, 2, 8), 2)
    with pytest.warns(UserWarning) as rec_t:
        torch.nn.TransformerEncoder(torch.nn.TransformerEncoderLayer(4, 2, 8), 2)
    assert [str(w.message) for w in rec_j] == [str(w.message) for w in rec_t]
    assert list(jm.state_dict())[:8] == [
        "layers.0.self_attn.in_proj_weight", "layers.0.self_attn.in_proj_bias", "layers.0.self_attn.out_proj.weight",
        "layers.0.self_attn.out_proj.bias", "layers.0.linear1.weight", "layers.0.linear1.bias",
        "layers.0.linear2.weight", "layers.0.linear2.bias",
    ]  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        jtorch.nn.TransformerEncoder(jtorch.nn.TransformerEncoderLayer(4, 2, 8, batch_first=True), 2)
    # dropout layers are independent copies, and each layer's parameters are distinct deep copies
    assert jm.layers[0].linear1.weight is not jm.layers[1].linear1.weight


@needs_layer_norm
def test_generate_square_subsequent_mask_and_errors():
    assert_same(
        torch.nn.Transformer.generate_square_subsequent_mask(4),
        jtorch.nn.Transformer.generate_square_subsequent_mask(4),
        0,
        0,
    )
    assert_same(
        torch.nn.Transformer.generate_square_subsequent_mask(3, dtype=torch.float64),
        jtorch.nn.Transformer.generate_square_subsequent_mask(3, dtype=jtorch.float64),
        0,
        0,
    )
    _raises(lambda: torch.nn.TransformerEncoderLayer(4, 2, activation="tanh"),
            lambda: jtorch.nn.TransformerEncoderLayer(4, 2, activation="tanh"), RuntimeError)  # fmt: skip
    m = {T: T.nn.Transformer(4, 2, 1, 1, 8) for T in (torch, jtorch)}
    _raises(lambda: m[torch](torch.ones(5, 2, 4), torch.ones(5, 3, 4)),
            lambda: m[jtorch](jtorch.ones(5, 2, 4), jtorch.ones(5, 3, 4)), RuntimeError)  # fmt: skip
    _raises(lambda: m[torch](torch.ones(5, 2, 4), torch.ones(5, 2, 3)),
            lambda: m[jtorch](jtorch.ones(5, 2, 4), jtorch.ones(5, 2, 3)), RuntimeError)  # fmt: skip


@needs_layer_norm
def test_encoder_nested_path_zeros_padding():
    """In inference (eval, no grad, batch_first) torch's encoder runs on nested tensors: padded positions
    of the output are 0 before the final norm. Not left-aligned masks (or grad enabled) keep the dense path."""
    tm, jm = _pair(lambda T: T.nn.TransformerEncoder(T.nn.TransformerEncoderLayer(4, 2, 8, 0.0, batch_first=True), 2,
                                                     norm=T.nn.LayerNorm(4)), "float64")  # fmt: skip
    tm.eval()
    jm.eval()
    x = np.random.default_rng(3).standard_normal((2, 3, 4))
    for kpm in ([[0, 0, 1], [0, 0, 0]], [[0, 1, 0], [0, 0, 0]]):
        with torch.no_grad():
            t_out = tm(torch.tensor(x), src_key_padding_mask=torch.tensor(kpm, dtype=torch.bool))
        with jtorch.no_grad():
            j_out = jm(jtorch.tensor(x), src_key_padding_mask=jtorch.tensor(kpm, dtype=jtorch.bool))
        assert_same(t_out, j_out, *LAYER_TOLS["float64"], f"no_grad {kpm}")
        t_g = tm(torch.tensor(x), src_key_padding_mask=torch.tensor(kpm, dtype=torch.bool))
        j_g = jm(jtorch.tensor(x), src_key_padding_mask=jtorch.tensor(kpm, dtype=jtorch.bool))
        assert_same(t_g, j_g, *LAYER_TOLS["float64"], f"grad enabled {kpm}")
