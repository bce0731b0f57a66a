"""nn.utils.fusion against real torch: conv/conv-transpose/linear + eval BatchNorm folded into one layer,
fused weights and outputs, requires_grad carried over, and the eval-only assertion."""

import numpy as np
import pytest
import torch
from opinfo import assert_same, covers
from test_nn_conv_pool import copy_weights

import jtorch

torch.set_num_threads(1)

TOL = (1e-5, 1e-6)  # float32 rsqrt and a product per weight
X = np.random.default_rng(1).standard_normal((2, 3, 5, 5)).astype(np.float32)

CASES = [
    ("conv", lambda T: T.nn.Conv2d(3, 4, 3), lambda T: T.nn.BatchNorm2d(4), X, {}),
    ("conv_nobias", lambda T: T.nn.Conv2d(3, 4, 3, bias=False), lambda T: T.nn.BatchNorm2d(4, affine=False), X, {}),
    ("convT", lambda T: T.nn.ConvTranspose2d(3, 4, 2), lambda T: T.nn.BatchNorm2d(4), X, {"transpose": True}),
    ("linear", lambda T: T.nn.Linear(5, 4), lambda T: T.nn.BatchNorm1d(4), X[:, :, 0, :].reshape(6, 5), {}),
]


@covers(
    "nn.utils.fusion.fuse_conv_bn_eval",
    "nn.utils.fusion.fuse_conv_bn_weights",
    "nn.utils.fusion.fuse_linear_bn_eval",
    "nn.utils.fusion.fuse_linear_bn_weights",
)
@pytest.mark.parametrize("name,layer,norm,x,kw", CASES, ids=[c[0] for c in CASES])
def test_fuse_bn_eval(name, layer, norm, x, kw):
    torch.manual_seed(0)
    tm, tbn = layer(torch), norm(torch)
    with torch.no_grad():
        for p in tbn.parameters():
            p.uniform_(0.5, 1.5)
    jm, jbn = layer(jtorch), norm(jtorch)
    copy_weights(tm, jm)
    copy_weights(tbn, jbn)
    outs = []
    for T, m, bn in ((torch, tm, tbn), (jtorch, jm, jbn)):
        inp = T.from_numpy(np.ascontiguousarray(x))
        for i in range(2):  # running stats from two train batches
            bn(m(inp * (i + 1)))
        m.eval()
        bn.eval()
        with pytest.raises(AssertionError, match="Fusion only for eval!"):
            fuse = T.nn.utils.fusion.fuse_linear_bn_eval if name == "linear" else T.nn.utils.fusion.fuse_conv_bn_eval
            fuse(m.train(), bn)
        m.eval()
        fused = fuse(m, bn, **kw)
        assert type(fused) is type(m) and fused is not m and m.weight is not fused.weight
        with T.no_grad():
            outs.append((fused(inp), bn(m(inp)), fused.weight, fused.bias, fused.weight.requires_grad))
    for k, what in enumerate(("fused out", "unfused out", "weight", "bias")):
        assert_same(outs[0][k], outs[1][k], *TOL, what=what)
    assert outs[0][4] == outs[1][4]
    np.testing.assert_allclose(outs[1][0].numpy(), outs[1][1].numpy(), *TOL, err_msg="fused == bn(layer)")
