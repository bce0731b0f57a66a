"""Recurrent layers against real torch: RNN/LSTM/GRU (layers, directions, projections, batch_first,
unbatched and packed input, initial states), the cells, nn.utils.rnn pack/pad helpers, torch's errors,
and an Embedding + LSTM + Linear language model. Weights are copied from torch via numpy; outputs,
final states and the gradients of inputs, initial states and every parameter must match."""

import warnings

import numpy as np
import pytest
import torch
from opinfo import assert_same, covers

import jtorch

torch.set_num_threads(1)

# float32: a 2-layer recurrence over 5 steps chains ~10 matmuls; XLA and MKL sum in different orders
# and the error compounds through tanh/sigmoid, so 2e-5 (values ~0.1-1) rather than one matmul's 1e-5.
TOLS = {"float32": (2e-5, 2e-5), "float64": (1e-10, 1e-12)}
DTYPES = ["float32", "float64"]


def _pair(make, dtype):
    """The same module in torch and jtorch, jtorch's weights copied from torch's."""
    torch.manual_seed(0)
    tm = make(torch).to(getattr(torch, dtype))
    jm = make(jtorch).to(getattr(jtorch, dtype))
    assert repr(jm) == repr(tm)
    t_sd, j_sd = tm.state_dict(), jm.state_dict()
    assert [(k, tuple(v.shape)) for k, v in j_sd.items()] == [(k, tuple(v.shape)) for k, v in t_sd.items()]
    jm.load_state_dict({k: jtorch.tensor(v.detach().numpy()) for k, v in t_sd.items()})
    return tm, jm


def _leaf(rng, shape, dtype):
    a = rng.standard_normal(shape).astype(dtype)
    return torch.tensor(a, requires_grad=True), jtorch.tensor(a, requires_grad=True)


def _sum_all(out):
    if isinstance(out, (tuple, list)):
        return sum(_sum_all(o) * (k + 1) for k, o in enumerate(out))
    if hasattr(out, "batch_sizes"):
        return _sum_all(out.data)
    return (out * out).sum() if out is not None else 0


def _check_grads(tm, jm, t_in, j_in, rtol, atol):
    for k, (a, b) in enumerate(zip(t_in, j_in)):
        assert_same(a.grad, b.grad, rtol, atol, f"input grad {k}")
    for (name, p), q in zip(tm.named_parameters(), jm.parameters()):
        assert_same(p.grad, q.grad, rtol, atol, f"grad {name}")


# (id, constructor, input shape (T, B, I) or batch-first, hidden shapes (None: no initial state))
SPECS = [
    ("RNN", lambda T: T.nn.RNN(4, 3), (5, 2, 4), None),
    ("RNN_relu_2l_bi_bf", lambda T: T.nn.RNN(4, 3, 2, nonlinearity="relu", batch_first=True, bidirectional=True),
     (2, 5, 4), [(4, 2, 3)]),
    ("LSTM_2l_bi_proj", lambda T: T.nn.LSTM(4, 3, num_layers=2, bidirectional=True, proj_size=2), (5, 2, 4),
     [(4, 2, 2), (4, 2, 3)]),
    ("LSTM_nobias_bf", lambda T: T.nn.LSTM(4, 3, bias=False, batch_first=True), (2, 5, 4), None),
    ("GRU_2l_bi", lambda T: T.nn.GRU(4, 3, num_layers=2, bidirectional=True), (5, 2, 4), [(4, 2, 3)]),
]  # fmt: skip


@covers("nn.RNN", "nn.LSTM", "nn.GRU", "nn.RNNBase")
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("spec", SPECS, ids=[s[0] for s in SPECS])
def test_recurrent_layer(spec, dtype):
    _, make, shape, hshapes = spec
    rtol, atol = TOLS[dtype]
    tm, jm = _pair(make, dtype)
    rng = np.random.default_rng(0)
    tx, jx = _leaf(rng, shape, dtype)
    t_in, j_in = [tx], [jx]
    if hshapes is None:
        t_out, j_out = tm(tx), jm(jx)
    else:
        hs = [_leaf(rng, s, dtype) for s in hshapes]
        t_in += [h[0] for h in hs]
        j_in += [h[1] for h in hs]
        th = tuple(t_in[1:]) if len(hs) == 2 else t_in[1]
        jh = tuple(j_in[1:]) if len(hs) == 2 else j_in[1]
        t_out, j_out = tm(tx, th), jm(jx, jh)
    assert_same(t_out, j_out, rtol, atol, "forward")
    t_h, j_h = (t_out[1][0], j_out[1][0]) if isinstance(t_out[1], tuple) else (t_out[1], j_out[1])
    assert j_h.grad_fn.name() == t_h.grad_fn.name()
    _sum_all(t_out).backward()
    _sum_all(j_out).backward()
    _check_grads(tm, jm, t_in, j_in, rtol, atol)
    # eval mode with dropout=0 is the same function
    assert_same(tm.eval()(tx), jm.eval()(jx), rtol, atol, "eval")


def test_layer_is_one_op():
    """The whole layer (every step, layer and direction) is one recorded node, not a Python loop of ops."""
    m = jtorch.nn.GRU(4, 3, num_layers=2, bidirectional=True)
    out, h = m(jtorch.randn(5, 2, 4))
    assert out.grad_fn is not None and out.grad_fn.next_functions[0][0] is not None
    names = {type(f).__name__ if not hasattr(f, "name") else f.name() for f, _ in out.grad_fn.next_functions if f}
    assert len(names) == 1 and next(iter(names)).endswith("AccumulateGrad")


@pytest.mark.parametrize("dtype", DTYPES)
def test_unbatched_input(dtype):
    rtol, atol = TOLS[dtype]
    tm, jm = _pair(lambda T: T.nn.LSTM(4, 3, num_layers=2), dtype)
    rng = np.random.default_rng(1)
    tx, jx = _leaf(rng, (5, 4), dtype)
    th, jh = _leaf(rng, (2, 3), dtype)
    tc, jc = _leaf(rng, (2, 3), dtype)
    t_out, j_out = tm(tx, (th, tc)), jm(jx, (jh, jc))
    assert_same(t_out, j_out, rtol, atol, "forward")
    _sum_all(t_out).backward()
    _sum_all(j_out).backward()
    _check_grads(tm, jm, [tx, th, tc], [jx, jh, jc], rtol, atol)
    tg, jg = _pair(lambda T: T.nn.GRU(4, 3, batch_first=True), dtype)
    assert_same(tg(tx), jg(jx), rtol, atol, "GRU unbatched")


@covers(
    "nn.utils.rnn.pack_sequence",
    "nn.utils.rnn.pad_packed_sequence",
    "nn.utils.rnn.PackedSequence",
    "nn.utils.rnn.unpack_sequence",
)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_packed_sequence_input(kind, dtype):
    """Variable-length batches: packed output, final states of each sequence's last step, gradients."""
    rtol, atol = TOLS[dtype]
    tm, jm = _pair(lambda T: getattr(T.nn, kind)(4, 3, num_layers=2, bidirectional=True), dtype)
    rng = np.random.default_rng(2)
    seqs = [_leaf(rng, (n, 4), dtype) for n in (3, 5, 2)]
    ts, js = [s[0] for s in seqs], [s[1] for s in seqs]
    tp = torch.nn.utils.rnn.pack_sequence(ts, enforce_sorted=False)
    jp = jtorch.nn.utils.rnn.pack_sequence(js, enforce_sorted=False)
    assert_same(tuple(tp), tuple(jp), 0, 0, "packed input")
    th, jh = _leaf(rng, (4, 3, 3), dtype)
    if kind == "LSTM":
        tc, jc = _leaf(rng, (4, 3, 3), dtype)
        t_out, j_out = tm(tp, (th, tc)), jm(jp, (jh, jc))
    else:
        t_out, j_out = tm(tp, th), jm(jp, jh)
    assert isinstance(j_out[0], jtorch.nn.utils.rnn.PackedSequence)
    assert_same(tuple(t_out[0]), tuple(j_out[0]), rtol, atol, "packed output")
    assert_same(t_out[1], j_out[1], rtol, atol, "final state")
    t_pad, t_len = torch.nn.utils.rnn.pad_packed_sequence(t_out[0], batch_first=True, padding_value=-2.0)
    j_pad, j_len = jtorch.nn.utils.rnn.pad_packed_sequence(j_out[0], batch_first=True, padding_value=-2.0)
    assert_same((t_pad, t_len), (j_pad, j_len), rtol, atol, "padded output")
    assert_same(torch.nn.utils.rnn.unpack_sequence(t_out[0]), jtorch.nn.utils.rnn.unpack_sequence(j_out[0]), rtol, atol)
    (_sum_all(t_pad) + _sum_all(t_out[1])).backward()
    (_sum_all(j_pad) + _sum_all(j_out[1])).backward()
    _check_grads(tm, jm, ts + [th], js + [jh], rtol, atol)


CELLS = [
    ("RNNCell", lambda T: T.nn.RNNCell(4, 3), 1),
    ("RNNCell_relu_nobias", lambda T: T.nn.RNNCell(4, 3, bias=False, nonlinearity="relu"), 1),
    ("LSTMCell", lambda T: T.nn.LSTMCell(4, 3), 2),
    ("GRUCell", lambda T: T.nn.GRUCell(4, 3), 1),
]


@covers("nn.RNNCell", "nn.LSTMCell", "nn.GRUCell", "nn.RNNCellBase")
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("cell", CELLS, ids=[c[0] for c in CELLS])
def test_cell(cell, batched, dtype):
    _, make, n_state = cell
    rtol, atol = (1e-5, 1e-5) if dtype == "float32" else TOLS[dtype]  # one step: two matmuls
    tm, jm = _pair(make, dtype)
    rng = np.random.default_rng(3)
    lead = (2,) if batched else ()
    tx, jx = _leaf(rng, lead + (4,), dtype)
    hs = [_leaf(rng, lead + (3,), dtype) for _ in range(n_state)]
    th = tuple(h[0] for h in hs) if n_state == 2 else hs[0][0]
    jh = tuple(h[1] for h in hs) if n_state == 2 else hs[0][1]
    t_out, j_out = tm(tx, th), jm(jx, jh)
    assert_same(t_out, j_out, rtol, atol, "forward")
    t0, j0 = (t_out[0], j_out[0]) if n_state == 2 else (t_out, j_out)
    assert j0.grad_fn.name() == t0.grad_fn.name()
    _sum_all(t_out).backward()
    _sum_all(j_out).backward()
    _check_grads(tm, jm, [tx] + [h[0] for h in hs], [jx] + [h[1] for h in hs], rtol, atol)
    assert_same(tm(tx), jm(jx), rtol, atol, "zero initial state")


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_inter_layer_dropout(kind):
    """Dropout acts between layers in training only: p=1 zeroes the second layer's input (deterministic)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tm, jm = _pair(lambda T: getattr(T.nn, kind)(4, 3, num_layers=2, dropout=1.0), "float64")
    x = np.random.default_rng(4).standard_normal((5, 2, 4))
    assert_same(tm(torch.tensor(x)), jm(jtorch.tensor(x)), *TOLS["float64"], "train, p=1")
    assert_same(tm.eval()(torch.tensor(x)), jm.eval()(jtorch.tensor(x)), *TOLS["float64"], "eval")
    # p=0.5: training outputs are random and differ from eval; eval is deterministic
    jm2 = jtorch.nn.LSTM(4, 3, num_layers=2, dropout=0.5).double()
    a, b = jm2(jtorch.tensor(x))[0], jm2(jtorch.tensor(x))[0]
    assert not np.allclose(a.detach().numpy(), b.detach().numpy())
    jm2.eval()
    np.testing.assert_array_equal(jm2(jtorch.tensor(x))[0].detach().numpy(), jm2(jtorch.tensor(x))[0].detach().numpy())


def test_inter_layer_dropout_statistics():
    """Mask rate and 1/(1-p) scaling of the dropout between layers, read off a 2-layer ReLU RNN built so
    layer 0 outputs 2 everywhere and layer 1 copies its (dropped-out) input: out = relu(2 * mask)."""
    p, H = 0.3, 64
    m = jtorch.nn.RNN(1, H, num_layers=2, nonlinearity="relu", dropout=p).double()
    with jtorch.no_grad():
        for w in m.parameters():
            w.zero_()
        m.bias_ih_l0.fill_(2.0)
        m.weight_ih_l1.copy_(jtorch.eye(H, dtype=jtorch.float64))
    out = m(jtorch.zeros(5, 4, 1, dtype=jtorch.float64))[0].detach().numpy()
    zero = out == 0
    # 1280 Bernoulli(0.3) draws: std of the rate 0.013, so 0.06 is > 4 sigma
    assert abs(zero.mean() - p) < 0.06
    np.testing.assert_allclose(out[~zero], 2.0 / (1 - p), rtol=1e-12)
    m.eval()
    np.testing.assert_allclose(m(jtorch.zeros(5, 4, 1, dtype=jtorch.float64))[0].detach().numpy(), 2.0, rtol=1e-12)


def _raises(fn_t, fn_j, exc):
    with pytest.raises(exc) as et:
        fn_t()
    with pytest.raises(exc) as ej:
        fn_j()
    assert str(ej.value) == str(et.value)


def test_errors():
    lstm = {T: T.nn.LSTM(4, 3, num_layers=2) for T in (torch, jtorch)}
    _raises(lambda: lstm[torch](torch.randn(5, 2, 5)), lambda: lstm[jtorch](jtorch.randn(5, 2, 5)), RuntimeError)
    _raises(lambda: lstm[torch](torch.randn(5, 2, 4, 1)), lambda: lstm[jtorch](jtorch.randn(5, 2, 4, 1)), ValueError)
    _raises(
        lambda: lstm[torch](torch.randn(5, 2, 4), (torch.zeros(2, 2, 3), torch.zeros(2, 3, 3))),
        lambda: lstm[jtorch](jtorch.randn(5, 2, 4), (jtorch.zeros(2, 2, 3), jtorch.zeros(2, 3, 3))),
        RuntimeError,
    )
    _raises(
        lambda: lstm[torch](torch.randn(5, 2, 4), (torch.zeros(2, 3), torch.zeros(2, 3))),
        lambda: lstm[jtorch](jtorch.randn(5, 2, 4), (jtorch.zeros(2, 3), jtorch.zeros(2, 3))),
        RuntimeError,
    )
    _raises(
        lambda: lstm[torch](torch.randn(5, 2, 4).double()),
        lambda: lstm[jtorch](jtorch.randn(5, 2, 4).double()),
        ValueError,
    )
    gru = {T: T.nn.GRU(4, 3) for T in (torch, jtorch)}
    _raises(lambda: gru[torch](torch.randn(5, 2, 4), torch.zeros(2, 2, 3)),
            lambda: gru[jtorch](jtorch.randn(5, 2, 4), jtorch.zeros(2, 2, 3)), RuntimeError)  # fmt: skip
    _raises(lambda: gru[torch](torch.randn(5, 4), torch.zeros(1, 1, 3)),
            lambda: gru[jtorch](jtorch.randn(5, 4), jtorch.zeros(1, 1, 3)), RuntimeError)  # fmt: skip
    for args, kw, exc in [
        ((4, 3), {"proj_size": 1}, ValueError),
        ((4, 3), {"dropout": 1.5}, ValueError),
        ((4, 0), {}, ValueError),
        ((4, 3.0), {}, TypeError),
        ((4, 3), {"num_layers": 0}, ValueError),
        ((4, 3), {"nonlinearity": "gelu"}, ValueError),
    ]:
        _raises(lambda a=args, k=kw: torch.nn.RNN(*a, **k), lambda a=args, k=kw: jtorch.nn.RNN(*a, **k), exc)
    _raises(lambda: torch.nn.LSTM(4, 3, proj_size=3), lambda: jtorch.nn.LSTM(4, 3, proj_size=3), ValueError)
    with pytest.warns(UserWarning, match="non-zero dropout expects num_layers greater than 1"):
        jtorch.nn.GRU(4, 3, dropout=0.2)
    cell = {T: T.nn.LSTMCell(4, 3) for T in (torch, jtorch)}
    _raises(lambda: cell[torch](torch.randn(2, 5)), lambda: cell[jtorch](jtorch.randn(2, 5)), RuntimeError)
    _raises(lambda: cell[torch](torch.randn(2, 2, 4)), lambda: cell[jtorch](jtorch.randn(2, 2, 4)), ValueError)
    _raises(
        lambda: cell[torch](torch.randn(2, 4), (torch.zeros(2, 3), torch.zeros(3, 3))),
        lambda: cell[jtorch](jtorch.randn(2, 4), (jtorch.zeros(2, 3), jtorch.zeros(3, 3))),
        RuntimeError,
    )
    _raises(lambda: torch.nn.GRUCell(4, 3)(torch.randn(2, 4), torch.zeros(2, 4)),
            lambda: jtorch.nn.GRUCell(4, 3)(jtorch.randn(2, 4), jtorch.zeros(2, 4)), RuntimeError)  # fmt: skip


@covers(
    "nn.utils.rnn.pad_sequence",
    "nn.utils.rnn.pack_padded_sequence",
    "nn.utils.rnn.unpad_sequence",
    "nn.utils.rnn.invert_permutation",
)
@pytest.mark.parametrize("dtype", DTYPES)
def test_pack_pad_helpers(dtype):
    rng = np.random.default_rng(5)
    seqs = [_leaf(rng, (n, 2), dtype) for n in (2, 4, 3)]
    ts, js = [s[0] for s in seqs], [s[1] for s in seqs]
    for kw in [{}, {"batch_first": True, "padding_value": 7.0}, {"padding_side": "left"}]:
        assert_same(
            torch.nn.utils.rnn.pad_sequence(ts, **kw), jtorch.nn.utils.rnn.pad_sequence(js, **kw), 0, 0, str(kw)
        )
    tpad = torch.nn.utils.rnn.pad_sequence(ts, batch_first=True)
    jpad = jtorch.nn.utils.rnn.pad_sequence(js, batch_first=True)
    for kw in [{"enforce_sorted": False}, {"enforce_sorted": False, "batch_first": True}]:
        src_t, src_j = (tpad, jpad) if kw.get("batch_first") else (tpad.transpose(0, 1), jpad.transpose(0, 1))
        tp = torch.nn.utils.rnn.pack_padded_sequence(src_t, torch.tensor([2, 4, 3]), **kw)
        jp = jtorch.nn.utils.rnn.pack_padded_sequence(src_j, [2, 4, 3], **kw)
        assert_same(tuple(tp), tuple(jp), 0, 0, f"pack {kw}")
        tout = torch.nn.utils.rnn.pad_packed_sequence(tp, total_length=6)
        jout = jtorch.nn.utils.rnn.pad_packed_sequence(jp, total_length=6)
        assert_same(tout, jout, 0, 0, "pad_packed total_length")
    assert_same(
        torch.nn.utils.rnn.unpad_sequence(tpad, torch.tensor([2, 4, 3]), batch_first=True),
        jtorch.nn.utils.rnn.unpad_sequence(jpad, jtorch.tensor([2, 4, 3]), batch_first=True),
        0,
        0,
    )
    (tp.data * tp.data).sum().backward()
    (jp.data * jp.data).sum().backward()
    for a, b in zip(ts, js):
        assert_same(a.grad, b.grad, *TOLS[dtype], "grad through pad + pack")
    perm = torch.tensor([2, 0, 3, 1])
    assert_same(
        torch.nn.utils.rnn.invert_permutation(perm),
        jtorch.nn.utils.rnn.invert_permutation(jtorch.tensor([2, 0, 3, 1])),
        0,
        0,
    )
    _raises(
        lambda: torch.nn.utils.rnn.pack_padded_sequence(tpad, [2, 4, 3], batch_first=True),
        lambda: jtorch.nn.utils.rnn.pack_padded_sequence(jpad, [2, 4, 3], batch_first=True),
        RuntimeError,
    )
    _raises(
        lambda: torch.nn.utils.rnn.pad_packed_sequence(tp, total_length=2),
        lambda: jtorch.nn.utils.rnn.pad_packed_sequence(jp, total_length=2),
        ValueError,
    )


class _LM:
    """Embedding (an indexed Parameter named like nn.Embedding's) + 2-layer LSTM + Linear decoder."""

    @staticmethod
    def make(T):
        class LM(T.nn.Module):
            def __init__(self):
                super().__init__()
                self.embedding = T.nn.Module()
                self.embedding.weight = T.nn.Parameter(T.randn(11, 4))
                self.rnn = T.nn.LSTM(4, 6, num_layers=2, batch_first=True)
                self.decoder = T.nn.Linear(6, 11)

            def forward(self, tokens, state=None):
                out, state = self.rnn(self.embedding.weight[tokens], state)
                return self.decoder(out), state

        return LM()


@pytest.mark.parametrize("dtype", DTYPES)
def test_lstm_language_model(dtype):
    rtol, atol = TOLS[dtype]
    tm, jm = _pair(_LM.make, dtype)
    assert list(jm.state_dict()) == [
        "embedding.weight", "rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0",
        "rnn.weight_ih_l1", "rnn.weight_hh_l1", "rnn.bias_ih_l1", "rnn.bias_hh_l1", "decoder.weight", "decoder.bias",
    ]  # fmt: skip
    tok = np.random.default_rng(6).integers(0, 11, (2, 5))
    t_logits, t_state = tm(torch.tensor(tok))
    j_logits, j_state = jm(jtorch.tensor(tok))
    assert_same((t_logits, t_state), (j_logits, j_state), rtol, atol, "forward")
    # carry the state into the next chunk (truncated BPTT), then a cross-entropy step
    t_l2, _ = tm(torch.tensor(tok[:, ::-1].copy()), tuple(s.detach() for s in t_state))
    j_l2, _ = jm(jtorch.tensor(tok[:, ::-1].copy()), tuple(s.detach() for s in j_state))
    t_loss = torch.nn.functional.cross_entropy(t_l2.reshape(-1, 11), torch.tensor(tok.reshape(-1)))
    j_loss = jtorch.nn.functional.cross_entropy(j_l2.reshape(-1, 11), jtorch.tensor(tok.reshape(-1)))
    assert_same(t_loss, j_loss, rtol, atol, "loss")
    t_loss.backward()
    j_loss.backward()
    _check_grads(tm, jm, [], [], rtol, atol)
