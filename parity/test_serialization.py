"""jtorch.save / jtorch.load against real torch.save / torch.load, both directions."""

import collections
import io
import pickle

import numpy as np
import pytest
import torch
from opinfo import assert_same, covers

import jtorch

torch.set_num_threads(1)

DTYPES = [
    "float32",
    "float64",
    "float16",
    "bfloat16",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "bool",
    "complex64",
    "complex128",
]


def _sample(dt, shape=(2, 3)):
    a = (np.arange(int(np.prod(shape))).reshape(shape) % 5 - 2).astype(np.float64)
    if dt == "bool":
        return a > 0
    if dt.startswith("complex"):
        return (a + 1j * a).astype(dt)
    if dt == "bfloat16":
        return a.astype(np.float32)
    return a.astype(dt)


def _pair(dt, shape=(2, 3)):
    a = _sample(dt, shape)
    t = torch.from_numpy(a.copy())
    j = jtorch.from_numpy(a.copy())
    if dt == "bfloat16":
        t, j = t.to(torch.bfloat16), j.to(jtorch.bfloat16)
    return t, j


def _same_tree(t, j):
    if isinstance(t, torch.Tensor) and isinstance(j, torch.Tensor):  # both from torch
        assert t.dtype == j.dtype and t.shape == j.shape and torch.equal(t, j) and t.requires_grad == j.requires_grad
    elif isinstance(t, torch.Tensor):
        assert_same(t, j, 0, 0, "tensor")
        assert t.requires_grad == j.requires_grad
    elif isinstance(t, (torch.device, torch.Size)):
        assert type(t).__name__ == type(j).__name__ and repr(t) == repr(j)
    elif isinstance(t, dict):
        assert type(t).__name__ == type(j).__name__ and list(t) == list(j)
        for k in t:
            _same_tree(t[k], j[k])
    elif isinstance(t, (list, tuple)):
        assert type(t) is type(j) and len(t) == len(j)
        for a, b in zip(t, j):
            _same_tree(a, b)
    elif isinstance(t, torch.dtype):
        assert str(t) == str(j)
    else:
        assert t == j


@covers("save", "load", "serialization.save", "serialization.load")
@pytest.mark.parametrize("dt", DTYPES)
def test_every_dtype_both_ways(tmp_path, dt):
    t, j = _pair(dt)
    for shape_t, shape_j in [(t, j), (t[0, 0], j[0, 0]), (t[:0], j[:0])]:
        jtorch.save({"x": shape_j}, tmp_path / "j.pt")
        _same_tree({"x": shape_t}, torch.load(tmp_path / "j.pt"))
        torch.save({"x": shape_t}, tmp_path / "t.pt")
        _same_tree({"x": shape_t}, jtorch.load(tmp_path / "t.pt"))


def _nested(T, t):
    return {
        "od": collections.OrderedDict(a=t, b=[t[0], (t[1], 3)]),
        "num": 1.5,
        "int": 7,
        "s": "text",
        "none": None,
        "dtype": T.float64,
        "dev": T.device("cpu"),
        "size": T.Size([2, 3]),
        "grad": t.detach().clone().requires_grad_(True),
    }


def test_nested_containers_and_python_values(tmp_path):
    t, j = _pair("float32")
    jtorch.save(_nested(jtorch, j), tmp_path / "j.pt")
    _same_tree(_nested(torch, t), torch.load(tmp_path / "j.pt"))
    torch.save(_nested(torch, t), tmp_path / "t.pt")
    _same_tree(_nested(torch, t), jtorch.load(tmp_path / "t.pt"))


def test_views_share_storage_after_loading(tmp_path):
    j = jtorch.arange(12.0).view(3, 4)
    jtorch.save({"base": j, "row": j[1], "col": j[:, 2], "t": j.t()}, tmp_path / "j.pt")
    back = torch.load(tmp_path / "j.pt")
    assert back["row"].untyped_storage().data_ptr() == back["base"].untyped_storage().data_ptr()
    back["row"][0] = -1
    assert back["base"][1, 0] == -1
    assert torch.equal(back["t"], back["base"].t())

    t = torch.arange(12.0).view(3, 4)
    torch.save({"base": t, "row": t[1], "col": t[:, 2]}, tmp_path / "t.pt")
    jb = jtorch.load(tmp_path / "t.pt")
    jb["row"][0] = -1.0
    assert jb["base"][1, 0].item() == -1.0
    jb["base"][0, 2] = 50.0
    assert jb["col"][0].item() == 50.0


@covers(
    "serialization.add_safe_globals",
    "serialization.safe_globals",
    "serialization.get_safe_globals",
    "serialization.clear_safe_globals",
)
def test_weights_only_rejects_arbitrary_globals(tmp_path):
    import fractions

    torch.save({"c": fractions.Fraction(1, 3)}, tmp_path / "t.pt")
    with pytest.raises(pickle.UnpicklingError) as te:
        torch.load(tmp_path / "t.pt")
    with pytest.raises(pickle.UnpicklingError) as je:
        jtorch.load(tmp_path / "t.pt")
    assert str(je.value) == str(te.value)  # torch's whole message (a whole pickled model fails the same way)
    assert jtorch.load(tmp_path / "t.pt", weights_only=False)["c"] == fractions.Fraction(1, 3)
    with jtorch.serialization.safe_globals([fractions.Fraction]):
        assert jtorch.load(tmp_path / "t.pt")["c"] == fractions.Fraction(1, 3)
    assert jtorch.serialization.get_safe_globals() == []
    jtorch.serialization.add_safe_globals([fractions.Fraction])
    assert jtorch.load(tmp_path / "t.pt")["c"] == fractions.Fraction(1, 3)
    jtorch.serialization.clear_safe_globals()
    torch.save({"c": collections.Counter("ab")}, tmp_path / "c.pt")
    assert jtorch.load(tmp_path / "c.pt")["c"] == torch.load(tmp_path / "c.pt")["c"]


def test_file_objects_and_map_location(tmp_path):
    t, j = _pair("float64")
    buf = io.BytesIO()
    jtorch.save([j], buf)
    buf.seek(0)
    _same_tree([t], torch.load(buf))
    buf = io.BytesIO()
    torch.save([t], buf)
    buf.seek(0)
    for loc in ["cpu", jtorch.device("cpu"), {"cpu": "cpu"}, lambda storage, location: storage]:
        buf.seek(0)
        _same_tree([t], jtorch.load(buf, map_location=loc))


def test_mmap_and_legacy_format(tmp_path):
    t, j = _pair("float32", (4, 5))
    torch.save({"w": t, "row": t[2]}, tmp_path / "t.pt")
    out = jtorch.load(tmp_path / "t.pt", mmap=True)
    _same_tree({"w": t, "row": t[2]}, out)
    torch.save({"w": t, "row": t[2]}, tmp_path / "legacy.pt", _use_new_zipfile_serialization=False)
    _same_tree({"w": t, "row": t[2]}, jtorch.load(tmp_path / "legacy.pt"))
    with pytest.raises(ValueError):
        jtorch.load(io.BytesIO(b""), mmap=True)


def test_corrupt_and_truncated_files_raise_like_torch(tmp_path):
    with pytest.raises(pickle.UnpicklingError):
        torch.load(io.BytesIO(b"not a checkpoint"))
    with pytest.raises(pickle.UnpicklingError):
        jtorch.load(io.BytesIO(b"not a checkpoint"))
    buf = io.BytesIO()
    jtorch.save({"w": jtorch.ones(100)}, buf)
    truncated = buf.getvalue()[:-200]
    with pytest.raises(RuntimeError, match="failed finding central directory"):
        torch.load(io.BytesIO(truncated))
    with pytest.raises(RuntimeError, match="failed finding central directory"):
        jtorch.load(io.BytesIO(truncated))


def test_malicious_pickle_is_refused_and_never_run(tmp_path):
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            import os

            return (os.system, (f"touch {marker}",))

    torch.save({"x": Evil()}, tmp_path / "evil.pt")
    with pytest.raises(pickle.UnpicklingError, match="Unsupported global: GLOBAL posix.system"):
        jtorch.load(tmp_path / "evil.pt")
    assert not marker.exists()


def test_failed_save_keeps_the_previous_file(tmp_path):
    path = tmp_path / "ckpt.pt"
    jtorch.save({"step": 1}, path)

    class Unpicklable:
        def __reduce__(self):
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        jtorch.save({"step": 2, "bad": Unpicklable()}, path)
    assert jtorch.load(path) == {"step": 1}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ckpt.pt"]
