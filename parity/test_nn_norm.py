"""Normalization layers against real torch: outputs and all gradients (train and eval), running statistics
after several training steps (momentum, cumulative average, num_batches_tracked), repr, state_dict, errors,
and a ResNet-18-style network with torch's weights loaded."""

import numpy as np
import pytest
import torch
from opinfo import assert_same, covers
from test_nn_conv_pool import check_module, copy_weights

import jtorch

torch.set_num_threads(1)

# Normalizations reduce over at most a few dozen elements: float32 agrees to ~1e-6 relative; 1e-5 leaves room
# for rsqrt rounding (XLA's rsqrt vs torch's 1/sqrt).
F32 = (1e-5, 1e-5)
F64 = (1e-10, 1e-10)

NORM_SPECS = [
    ("BatchNorm1d", lambda T: T.nn.BatchNorm1d(3), [(4, 3)]),
    ("BatchNorm1d_3d", lambda T: T.nn.BatchNorm1d(3, momentum=None), [(4, 3, 5)]),
    ("BatchNorm2d", lambda T: T.nn.BatchNorm2d(3, eps=1e-3, momentum=0.3), [(2, 3, 4, 5)]),
    ("BatchNorm2d_noaffine", lambda T: T.nn.BatchNorm2d(3, affine=False), [(2, 3, 4, 5)]),
    ("BatchNorm2d_nostats", lambda T: T.nn.BatchNorm2d(3, track_running_stats=False), [(2, 3, 4, 5)]),
    ("BatchNorm2d_nobias", lambda T: T.nn.BatchNorm2d(3, bias=False), [(2, 3, 4, 5)]),
    ("BatchNorm3d", lambda T: T.nn.BatchNorm3d(2), [(2, 2, 3, 2, 3)]),
    ("InstanceNorm1d", lambda T: T.nn.InstanceNorm1d(3, affine=True), [(2, 3, 5)]),
    ("InstanceNorm1d_unbatched", lambda T: T.nn.InstanceNorm1d(3), [(3, 5)]),
    ("InstanceNorm2d_stats", lambda T: T.nn.InstanceNorm2d(3, track_running_stats=True), [(2, 3, 4, 5)]),
    ("InstanceNorm3d", lambda T: T.nn.InstanceNorm3d(2, affine=True), [(2, 2, 3, 2, 3)]),
    ("LayerNorm", lambda T: T.nn.LayerNorm(5), [(2, 3, 5)]),
    ("LayerNorm_2d", lambda T: T.nn.LayerNorm([3, 5], eps=1e-3, bias=False), [(2, 3, 5)]),
    ("LayerNorm_noaffine", lambda T: T.nn.LayerNorm((5,), elementwise_affine=False), [(2, 3, 5)]),
    ("GroupNorm", lambda T: T.nn.GroupNorm(2, 4, bias=False), [(2, 4, 3, 3)]),
    ("GroupNorm_noaffine", lambda T: T.nn.GroupNorm(1, 4, affine=False), [(2, 4, 5)]),
    ("LocalResponseNorm_3d", lambda T: T.nn.LocalResponseNorm(2), [(2, 5, 4)]),
    ("LocalResponseNorm_4d", lambda T: T.nn.LocalResponseNorm(3, alpha=0.1, beta=0.5, k=2.0), [(2, 5, 3, 3)]),
    ("RMSNorm", lambda T: T.nn.RMSNorm(5), [(2, 3, 5)]),
    ("RMSNorm_eps", lambda T: T.nn.RMSNorm([3, 5], eps=1e-3, elementwise_affine=False), [(2, 3, 5)]),
]
covers(*(f"nn.{n}" for n in [
    "BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "LayerNorm",
    "GroupNorm", "LocalResponseNorm", "RMSNorm", "SyncBatchNorm", "LazyBatchNorm1d", "LazyBatchNorm2d",
    "LazyBatchNorm3d", "LazyInstanceNorm1d", "LazyInstanceNorm2d", "LazyInstanceNorm3d", "CrossMapLRN2d"]))  # fmt: skip
covers(*(f"nn.functional.{n}" for n in ["batch_norm", "instance_norm", "layer_norm", "group_norm", "rms_norm",
                                          "local_response_norm"]))  # fmt: skip


@pytest.mark.parametrize("spec", NORM_SPECS, ids=[s[0] for s in NORM_SPECS])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_norm_matches_torch(spec, dtype):
    """Train then eval (eval uses the running stats the train step just updated); buffers equal after."""
    name, ctor, shapes = spec
    tm, jm = check_module(ctor, shapes, dtype, name, modes=("train", "eval"), tol=F32 if dtype == "float32" else F64)
    for (k, a), (k2, b) in zip(tm.state_dict().items(), jm.state_dict().items()):
        assert k == k2
        assert_same(a, b, *(F32 if dtype == "float32" else F64), f"{name} buffer {k}")


@pytest.mark.parametrize("momentum", [0.1, None])
def test_batchnorm_running_stats_over_steps(momentum):
    """Five training steps: running_mean/var (unbiased update), num_batches_tracked (int64) equal torch's."""
    tm, jm = torch.nn.BatchNorm2d(3, momentum=momentum), jtorch.nn.BatchNorm2d(3, momentum=momentum)
    rng = np.random.default_rng(0)
    for _ in range(5):
        x = (3 * rng.standard_normal((4, 3, 2, 2)) + 1).astype("float32")
        tm(torch.from_numpy(x))
        jm(jtorch.from_numpy(x))
    assert jm.num_batches_tracked.dtype is jtorch.int64 and int(jm.num_batches_tracked) == 5
    for k, v in tm.state_dict().items():
        assert_same(v, jm.state_dict()[k], *F32, k)
    jm.reset_running_stats()
    assert float(jm.running_var.sum()) == 3.0 and int(jm.num_batches_tracked) == 0


def test_norm_repr_and_state_dict():
    for ctor in [
        lambda T: T.nn.BatchNorm2d(3),
        lambda T: T.nn.BatchNorm1d(4, eps=1e-3, momentum=None, affine=False, track_running_stats=False),
        lambda T: T.nn.InstanceNorm2d(3, affine=True, track_running_stats=True),
        lambda T: T.nn.LayerNorm([3, 4], elementwise_affine=False),
        lambda T: T.nn.GroupNorm(2, 4, affine=False),
        lambda T: T.nn.LocalResponseNorm(3),
        lambda T: T.nn.RMSNorm(4),
        lambda T: T.nn.SyncBatchNorm(2),
    ]:
        tm, jm = ctor(torch), ctor(jtorch)
        assert repr(jm) == repr(tm)
        assert {k: (tuple(v.shape), str(v.dtype)) for k, v in tm.state_dict().items()} == {
            k: (tuple(v.shape), str(v.dtype).replace("jtorch", "torch")) for k, v in jm.state_dict().items()
        }
    with pytest.raises(NotImplementedError, match="LazyBatchNorm2d"):
        jtorch.nn.LazyBatchNorm2d()


def _norm_errors(T):
    out = []
    for f in [
        lambda: T.nn.BatchNorm2d(3)(T.ones(2, 3, 4)),
        lambda: T.nn.BatchNorm1d(3)(T.ones(1, 3)),
        lambda: T.nn.BatchNorm1d(3)(T.ones(2, 4)),
        lambda: T.nn.LayerNorm(4)(T.ones(2, 3)),
        lambda: T.nn.GroupNorm(2, 3),
        lambda: T.nn.functional.group_norm(T.ones(2, 3, 4), 2),
        lambda: T.nn.InstanceNorm2d(3, affine=True)(T.ones(2, 4, 3, 3)),
        lambda: T.nn.InstanceNorm1d(3)(T.ones(2, 3, 1)),
        lambda: T.nn.LocalResponseNorm(2)(T.ones(2, 3)),
    ]:
        try:
            f()
            out.append(None)
        except Exception as e:  # noqa: BLE001 - comparing whatever torch raises
            out.append((type(e), str(e)))
    return out


def test_norm_errors():
    for t, j in zip(_norm_errors(torch), _norm_errors(jtorch)):
        assert t is not None and t == j


def _resnet18(T, num_classes=10):
    nn = T.nn

    class BasicBlock(nn.Module):
        expansion = 1

        def __init__(self, inplanes, planes, stride=1, downsample=None):
            super().__init__()
            self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(planes)
            self.relu = nn.ReLU(inplace=True)
            self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(planes)
            self.downsample = downsample

        def forward(self, x):
            identity = x
            out = self.relu(self.bn1(self.conv1(x)))
            out = self.bn2(self.conv2(out))
            if self.downsample is not None:
                identity = self.downsample(x)
            return self.relu(out + identity)

    class ResNet(nn.Module):
        def __init__(self, width=8):
            super().__init__()
            self.inplanes = width
            self.conv1 = nn.Conv2d(3, width, 7, 2, 3, bias=False)
            self.bn1 = nn.BatchNorm2d(width)
            self.relu = nn.ReLU(inplace=True)
            self.maxpool = nn.MaxPool2d(3, 2, 1)
            self.layer1 = self._make_layer(width, 2)
            self.layer2 = self._make_layer(2 * width, 2, 2)
            self.layer3 = self._make_layer(4 * width, 2, 2)
            self.layer4 = self._make_layer(8 * width, 2, 2)
            self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
            self.fc = nn.Linear(8 * width, num_classes)

        def _make_layer(self, planes, blocks, stride=1):
            downsample = None
            if stride != 1 or self.inplanes != planes:
                downsample = nn.Sequential(nn.Conv2d(self.inplanes, planes, 1, stride, bias=False),
                                           nn.BatchNorm2d(planes))  # fmt: skip
            layers = [BasicBlock(self.inplanes, planes, stride, downsample)]
            self.inplanes = planes
            layers += [BasicBlock(planes, planes) for _ in range(1, blocks)]
            return nn.Sequential(*layers)

        def forward(self, x):
            x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
            x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
            return self.fc(T.flatten(self.avgpool(x), 1))

    return ResNet()


def test_resnet18_matches_torch():
    """ResNet-18 layout (width 8, 32x32 input): state_dict keys/shapes, train-mode outputs and all gradients,
    then eval-mode outputs from the updated running stats. Float64 so the comparison is about semantics, not
    about 20 layers of float32 summation order (which agree to ~1e-4)."""
    tm, jm = check_module(_resnet18, [(2, 3, 32, 32)], "float64", "ResNet18", modes=("train", "eval"),
                          tol=(1e-9, 1e-9))  # fmt: skip
    assert len(tm.state_dict()) == len(jm.state_dict()) == 122
    for k, v in tm.state_dict().items():
        assert_same(v, jm.state_dict()[k], 1e-9, 1e-9, k)


def test_resnet18_float32_eval():
    torch.manual_seed(0)
    tm, jm = _resnet18(torch).eval(), _resnet18(jtorch).eval()
    copy_weights(tm, jm)
    x = np.random.default_rng(0).standard_normal((2, 3, 32, 32)).astype("float32")
    assert_same(tm(torch.from_numpy(x)), jm(jtorch.from_numpy(x)), 1e-4, 1e-4, "resnet18 f32")
