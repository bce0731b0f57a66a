"""torch.device parsing, repr and equality; Tensor.to/.cpu/.cuda; torch.cuda queries.

Expected strings are torch 2.13's (checked against torch by hand; tests/ runs without torch). The
GPU tests run only where JAX sees a GPU; elsewhere the no-GPU errors are checked instead.
"""

import pickle

import jax
import pytest

import jtorch

HAS_GPU = bool(jtorch.cuda.is_available())


@pytest.mark.parametrize(
    "args, rep, s",
    [
        (("cpu",), "device(type='cpu')", "cpu"),
        (("cpu:0",), "device(type='cpu', index=0)", "cpu:0"),
        (("cuda",), "device(type='cuda')", "cuda"),
        (("cuda:1",), "device(type='cuda', index=1)", "cuda:1"),
        (("cuda", 2), "device(type='cuda', index=2)", "cuda:2"),
        (("xla:1",), "device(type='xla', index=1)", "xla:1"),
        (("meta",), "device(type='meta')", "meta"),
        (("mps",), "device(type='mps')", "mps"),
    ],
)
def test_device_parse_repr(args, rep, s):
    d = jtorch.device(*args)
    assert repr(d) == rep and str(d) == s
    assert jtorch.device(d) == d
    assert pickle.loads(pickle.dumps(d)) == d


def test_device_fields_and_keywords():
    d = jtorch.device(type="cuda", index=3)
    assert (d.type, d.index) == ("cuda", 3)
    assert jtorch.device("cpu").index is None


def test_device_equality_and_hash():
    assert jtorch.device("cpu") == jtorch.device("cpu")
    assert jtorch.device("cuda") != jtorch.device("cuda:0")  # no index differs from index 0
    assert jtorch.device("cpu") != "cpu"  # torch never equates a device with a string
    assert hash(jtorch.device("cuda:1")) == hash(jtorch.device("cuda", 1))
    assert len({jtorch.device("cpu"), jtorch.device("cpu")}) == 1


@pytest.mark.parametrize(
    "args, exc, msg",
    [
        (("cuda:x",), RuntimeError, "Invalid device string: 'cuda:x'"),
        (("cuda:-1",), RuntimeError, "Invalid device string: 'cuda:-1'"),
        (("cuda:01",), RuntimeError, "Invalid device string: 'cuda:01'"),
        ((" cpu",), RuntimeError, "Invalid device string: ' cpu'"),
        (("foo",), RuntimeError, "Expected one of cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, "
         "fpga, maia, xla, lazy, vulkan, mps, meta, hpu, mtia, privateuseone device type at start of device string: foo"),
        (("cuda", -1), RuntimeError, "Device index must not be negative"),
        ((-1,), RuntimeError, "Device index must not be negative"),
        (("cuda:0", 1), RuntimeError, "type (string) must not include an index because index was passed explicitly: cuda:0"),
        ((1.5,), TypeError, "device() received an invalid combination of arguments - got (float)"),
    ],
)  # fmt: skip
def test_device_errors(args, exc, msg):
    with pytest.raises(exc) as e:
        jtorch.device(*args)
    assert str(e.value).startswith(msg)


def test_tensor_device_and_cpu():
    t = jtorch.ones(2)
    assert t.device == (jtorch.device("cuda", 0) if jax.default_backend() == "gpu" else jtorch.device("cpu"))
    c = t.cpu()
    assert c.device == jtorch.device("cpu")
    assert c.is_cpu and not c.is_cuda and c.get_device() == -1
    x = jtorch.ones(3).cpu()
    assert x.cpu() is x  # torch returns self when nothing changes


def test_to_overloads():
    x = jtorch.ones(2)
    assert x.to(jtorch.float64).dtype is jtorch.float64
    assert x.to(dtype=jtorch.int32).dtype is jtorch.int32
    assert x.to("cpu").device == jtorch.device("cpu")
    y = x.to("cpu", jtorch.float16)
    assert (y.dtype, y.device) == (jtorch.float16, jtorch.device("cpu"))
    y = x.to(jtorch.device("cpu"), dtype=jtorch.int64)
    assert y.dtype is jtorch.int64
    other = jtorch.zeros(1, dtype=jtorch.float64)
    assert x.to(other).dtype is jtorch.float64
    assert x.to(jtorch.float32) is x  # no-op returns self, as torch
    assert x.to(jtorch.float32, copy=True) is not x
    assert x.to("cpu", non_blocking=True).dtype is jtorch.float32
    with pytest.raises(TypeError):
        x.to(1.5)


def test_to_keeps_autograd():
    x = jtorch.ones(2, requires_grad=True)
    y = x.to(jtorch.float64)
    assert y.grad_fn is not None and y.grad_fn.name() == "ToCopyBackward0"
    y.sum().backward()
    assert x.grad.dtype is jtorch.float32 and x.grad.tolist() == [1.0, 1.0]


@pytest.mark.skipif(HAS_GPU, reason="checks the no-GPU errors")
def test_cuda_without_gpu_raises():
    assert jtorch.cuda.is_available() is False
    assert jtorch.cuda.device_count() == 0
    assert jtorch.cuda.is_initialized() is False
    assert jtorch.cuda.memory_allocated() == 0 and jtorch.cuda.memory_reserved() == 0
    for f in (
        lambda: jtorch.ones(2).cuda(),
        lambda: jtorch.ones(2).to("cuda"),
        lambda: jtorch.zeros(2, device="cuda"),
        jtorch.cuda.current_device,
        jtorch.cuda.get_device_name,
        jtorch.cuda.get_device_capability,
        jtorch.cuda.get_device_properties,
        lambda: jtorch.cuda.set_device(0),
    ):
        with pytest.raises(RuntimeError, match="JAX sees no GPU"):
            f()
    with pytest.raises(RuntimeError, match="Cannot access accelerator device when none is available."):
        jtorch.device(0)
    jtorch.cuda.synchronize()  # works on any backend (waits for JAX's queue)


@pytest.mark.skipif(not HAS_GPU, reason="needs a GPU visible to JAX")
def test_cuda_with_gpu():
    n = jtorch.cuda.device_count()
    assert n == len(jax.devices("gpu")) and n >= 1
    assert jtorch.cuda.current_device() == 0
    assert isinstance(jtorch.cuda.get_device_name(), str)
    major, minor = jtorch.cuda.get_device_capability()
    assert major >= 1
    x = jtorch.arange(6.0).cuda()
    assert x.device == jtorch.device("cuda", 0) and x.is_cuda and x.get_device() == 0
    assert repr(x) == "tensor([0., 1., 2., 3., 4., 5.], device='cuda:0')"
    y = (x * 2).cpu()
    assert y.device == jtorch.device("cpu") and y.tolist() == [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]
    z = jtorch.zeros(2, device="cuda")
    assert z.device == jtorch.device("cuda:0")
    w = jtorch.ones(2, device="cpu", requires_grad=True)
    (w.cuda() * 3).sum().backward()
    assert w.grad.device == jtorch.device("cpu") and w.grad.tolist() == [3.0, 3.0]
    assert jtorch.device(0) == jtorch.device("cuda", 0)
    c = jtorch.ones(3, device="cpu")
    for made in (jtorch.zeros_like(c), jtorch.rand_like(c), c.new_zeros(2), c.new_tensor([1.0]), c.new_full((2,), 3.0)):
        assert made.device == jtorch.device("cpu")  # *_like / new_* follow their source's device
    assert jtorch.zeros_like(x).device == jtorch.device("cuda", 0)
    jtorch.cuda.synchronize()
    assert jtorch.cuda.memory_allocated() >= 0
    props = jtorch.cuda.get_device_properties(0)
    assert props.total_memory > 0 and props.major == major
    jtorch.cuda.set_device(0)
    with pytest.raises(NotImplementedError):
        jtorch.cuda.set_device(1)


def test_default_device():
    start = jtorch.get_default_device()
    assert isinstance(start, jtorch.device)
    try:
        jtorch.set_default_device("cpu")
        assert jtorch.get_default_device() == jtorch.device("cpu")
        assert jtorch.zeros(2).device == jtorch.device("cpu")
        assert jtorch.rand(2).device == jtorch.device("cpu")
        if HAS_GPU:
            jtorch.set_default_device("cuda")
            assert jtorch.get_default_device() == jtorch.device("cuda", 0)
            assert jtorch.zeros(2).device == jtorch.device("cuda", 0)
            assert jtorch.tensor([1.0]).device == jtorch.device("cuda", 0)
        else:
            with pytest.raises(RuntimeError, match="JAX sees no GPU"):
                jtorch.set_default_device("cuda")
    finally:
        jtorch.set_default_device(None)
    assert jtorch.get_default_device() == start
