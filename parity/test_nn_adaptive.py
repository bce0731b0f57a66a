"""nn.AdaptiveLogSoftmaxWithLoss against real torch: forward output and loss, gradients of every weight,
log_prob, predict (all in the shortlist, all in tails, mixed), a 0-d target, repr, state_dict and torch's errors."""

import numpy as np
import pytest
import torch
from opinfo import assert_same, covers
from test_nn_conv_pool import copy_weights

import jtorch

torch.set_num_threads(1)

TOL = (1e-5, 1e-6)  # float32 log_softmax of a few terms, two small matmuls

X = np.random.default_rng(0).standard_normal((6, 8)).astype(np.float32)


def pair(**kw):
    torch.manual_seed(0)
    tm = torch.nn.AdaptiveLogSoftmaxWithLoss(8, 20, cutoffs=[5, 12], div_value=2.0, **kw)
    jm = jtorch.nn.AdaptiveLogSoftmaxWithLoss(8, 20, cutoffs=[5, 12], div_value=2.0, **kw)
    copy_weights(tm, jm)
    return tm, jm


@covers("nn.AdaptiveLogSoftmaxWithLoss")
@pytest.mark.parametrize("head_bias", [False, True])
def test_forward_backward(head_bias):
    tm, jm = pair(head_bias=head_bias)
    assert repr(tm) == repr(jm)
    tgt = [0, 4, 7, 13, 19, 2]
    t_res = tm(torch.from_numpy(X), torch.tensor(tgt))
    j_res = jm(jtorch.from_numpy(X), jtorch.tensor(tgt))
    assert type(j_res).__name__ == "_ASMoutput" and j_res._fields == ("output", "loss")
    assert_same(t_res.output, j_res.output, *TOL, what="output")
    assert_same(t_res.loss, j_res.loss, *TOL, what="loss")
    t_res.loss.backward()
    j_res.loss.backward()
    jp = dict(jm.named_parameters())
    for name, p in tm.named_parameters():
        assert_same(p.grad, jp[name].grad, *TOL, what=f"{name}.grad")


def test_log_prob_predict_and_unbatched():
    tm, jm = pair(head_bias=True)
    tx, jx = torch.from_numpy(X), jtorch.from_numpy(X)
    assert_same(tm.log_prob(tx), jm.log_prob(jx), *TOL, what="log_prob")
    with torch.no_grad():
        tm.head.weight[5:] *= 10.0  # some rows now pick a tail: predict's mixed branch
    for bias_at in (None, 0, 5):  # mixed, then a constant head picking the shortlist / a tail for every row
        if bias_at is not None:
            with torch.no_grad():
                tm.head.weight.zero_()
                tm.head.bias.zero_()
                tm.head.bias[bias_at] = 10.0
        copy_weights(tm, jm)
        t_pred = tm.predict(tx)
        assert_same(t_pred, jm.predict(jx), 0, 0, what=f"predict {bias_at}")
        assert bias_at is not None or 0 < int((t_pred >= 5).sum()) < len(X)
    t_res, j_res = tm(tx[0], torch.tensor(13)), jm(jx[0], jtorch.tensor(13))
    assert_same(t_res.output, j_res.output, *TOL, what="0-d output")
    assert_same(t_res.loss, j_res.loss, *TOL, what="0-d loss")


def test_errors():
    for cutoffs in ([], [5, 3], [0, 4], [5, 20], [4, 4]):
        msgs = []
        for T in (torch, jtorch):
            with pytest.raises(ValueError) as e:
                T.nn.AdaptiveLogSoftmaxWithLoss(8, 20, cutoffs=cutoffs)
            msgs.append(str(e.value))
        assert msgs[0] == msgs[1]
    tm, jm = pair()
    bad = (
        (X, [0, 4, 7, 13, 25, 2]),  # target out of range
        (X, [0, 1]),  # batch sizes differ
        (X[0], [1]),  # 1-d target, 1-d input
        (X, [[1]]),  # 2-d target
    )
    for x, tgt in bad:
        msgs = []
        for T, m in ((torch, tm), (jtorch, jm)):
            with pytest.raises(RuntimeError) as e:
                m(T.from_numpy(x.copy()), T.tensor(tgt))
            msgs.append(str(e.value))
        assert msgs[0] == msgs[1]
