"""jtorch.distributed.checkpoint (orbax-backed) against torch.distributed.checkpoint: same state-dict
layout, in-place loading semantics, errors, and a resumed Adam run that continues on torch's exact path."""

import warnings

import numpy as np
import pytest
import torch
import torch.distributed.checkpoint as tdcp
from opinfo import assert_same, covers
from torch.distributed.checkpoint import state_dict as tsd

import jtorch
import jtorch.distributed.checkpoint as jdcp
from jtorch.distributed.checkpoint import state_dict as jsd

torch.set_num_threads(1)
pytestmark = pytest.mark.filterwarnings("ignore:torch.distributed is disabled")


def _models():
    torch.manual_seed(0)
    t = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 2))
    j = jtorch.nn.Sequential(jtorch.nn.Linear(4, 8), jtorch.nn.Tanh(), jtorch.nn.Linear(8, 2))
    j.load_state_dict({k: jtorch.from_numpy(v.detach().numpy().copy()) for k, v in t.state_dict().items()})
    return t, j


_X = np.linspace(-1, 1, 20, dtype=np.float32).reshape(5, 4)
_Y = np.cos(np.arange(10, dtype=np.float32)).reshape(5, 2)


def _train(T, model, opt, steps):
    x, y = T.from_numpy(_X.copy()), T.from_numpy(_Y.copy())
    for _ in range(steps):
        opt.zero_grad()
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        opt.step()


def _same_tree(t, j, tol=0.0):
    if isinstance(t, torch.Tensor):
        assert_same(t, j, tol, tol, "tensor")
    elif isinstance(t, dict):
        assert list(t) == list(j)
        for k in t:
            _same_tree(t[k], j[k], tol)
    elif isinstance(t, (list, tuple)):
        assert type(t) is type(j) and len(t) == len(j)
        for a, b in zip(t, j):
            _same_tree(a, b, tol)
    else:
        assert t == j


@covers(
    "distributed.checkpoint.save",
    "distributed.checkpoint.load",
    "distributed.checkpoint.state_dict.get_state_dict",
    "distributed.checkpoint.state_dict.set_state_dict",
)
def test_adam_resume_follows_torch_exactly(tmp_path):
    """Train 3 Adam steps, checkpoint model+optimizer through DCP (torch's and jtorch's), restore into fresh
    objects in place, train 3 more: jtorch's resumed run equals torch's uninterrupted run."""
    t, j = _models()
    topt, jopt = torch.optim.Adam(t.parameters(), lr=0.05), jtorch.optim.Adam(j.parameters(), lr=0.05)
    _train(torch, t, topt, 3)
    _train(jtorch, j, jopt, 3)
    tm, to = tsd.get_state_dict(t, topt)
    jm, jo = jsd.get_state_dict(j, jopt)
    # same FQN-keyed layout and values (float32 Adam on the same data: equal to rounding)
    _same_tree(tm, jm, 1e-6)
    _same_tree(to, jo, 1e-6)
    tdcp.save({"model": tm, "optim": to}, checkpoint_id=str(tmp_path / "t"))
    jdcp.save({"model": jm, "optim": jo}, checkpoint_id=str(tmp_path / "j"))

    # fresh objects with other weights and empty optimizer state
    t2 = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 2))
    j2 = jtorch.nn.Sequential(jtorch.nn.Linear(4, 8), jtorch.nn.Tanh(), jtorch.nn.Linear(8, 2))
    topt2, jopt2 = torch.optim.Adam(t2.parameters(), lr=0.05), jtorch.optim.Adam(j2.parameters(), lr=0.05)
    tm2, to2 = tsd.get_state_dict(t2, topt2)
    jm2, jo2 = jsd.get_state_dict(j2, jopt2)
    _same_tree(to2["param_groups"], jo2["param_groups"])
    target = {"model": jm2, "optim": jo2}
    weight = jm2["0.weight"]
    tdcp.load({"model": tm2, "optim": to2}, checkpoint_id=str(tmp_path / "t"))
    jdcp.load(target, checkpoint_id=str(tmp_path / "j"))
    assert target["model"]["0.weight"] is weight  # tensors are filled in place
    _same_tree(tm2, jm2, 1e-6)
    _same_tree(to2, jo2, 1e-6)
    tsd.set_state_dict(t2, topt2, model_state_dict=tm2, optim_state_dict=to2)
    jsd.set_state_dict(j2, jopt2, model_state_dict=jm2, optim_state_dict=jo2)

    _train(torch, t, topt, 3)  # torch uninterrupted
    _train(jtorch, j2, jopt2, 3)  # jtorch resumed
    _train(jtorch, j, jopt, 3)  # jtorch uninterrupted
    for k, v in t.state_dict().items():
        assert_same(v, j2.state_dict()[k], 1e-5, 1e-6, k)  # float32 Adam: 6 steps of rounding differences
        assert np.array_equal(j.state_dict()[k].numpy(), j2.state_dict()[k].numpy())  # resume is bit-exact
    assert int(jopt2.state[j2[0].weight]["step"]) == 6


@covers(
    "distributed.checkpoint.state_dict.get_model_state_dict",
    "distributed.checkpoint.state_dict.get_optimizer_state_dict",
    "distributed.checkpoint.state_dict.set_model_state_dict",
    "distributed.checkpoint.state_dict.set_optimizer_state_dict",
    "distributed.checkpoint.state_dict.StateDictOptions",
)
def test_state_dict_helpers_and_options():
    t, j = _models()
    t[0].weight.requires_grad_(False)
    j[0].weight.requires_grad_(False)
    opts = (tsd.StateDictOptions(ignore_frozen_params=True), jsd.StateDictOptions(ignore_frozen_params=True))
    assert list(tsd.get_model_state_dict(t, options=opts[0])) == list(jsd.get_model_state_dict(j, options=opts[1]))
    topt = torch.optim.SGD([p for p in t.parameters() if p.requires_grad], lr=0.1, momentum=0.9)
    jopt = jtorch.optim.SGD([p for p in j.parameters() if p.requires_grad], lr=0.1, momentum=0.9)
    to, jo = tsd.get_optimizer_state_dict(t, topt), jsd.get_optimizer_state_dict(j, jopt)
    _same_tree(to, jo, 1e-6)
    offload = (tsd.StateDictOptions(cpu_offload=True), jsd.StateDictOptions(cpu_offload=True))
    _same_tree(
        tsd.get_optimizer_state_dict(t, topt, options=offload[0]),
        jsd.get_optimizer_state_dict(j, jopt, options=offload[1]),
        1e-6,
    )  # noqa: E501
    jo["param_groups"][0]["lr"] = 0.5
    jsd.set_optimizer_state_dict(j, jopt, jo)
    assert jopt.param_groups[0]["lr"] == 0.5
    res = jsd.set_model_state_dict(j, {"2.bias": jtorch.ones(2)}, options=jsd.StateDictOptions(strict=False))
    assert res.unexpected_keys == [] and "0.weight" in res.missing_keys
    assert j[2].bias.tolist() == [1.0, 1.0]
    with pytest.raises(RuntimeError, match="Optimizers are not passed in"):
        jsd.get_optimizer_state_dict(j, [])


def _nested(T):
    return {
        "a": T.arange(6.0).reshape(2, 3),
        "b": {"c": T.ones(2, dtype=T.bfloat16), "n": 3, "s": "hi", "l": [1, T.zeros(1, dtype=T.int64)]},
        "flags": T.tensor([True, False]),
        "scalar": T.tensor(2.5, dtype=T.float64),
        "t": (1, 2.0),
        "step": 5,
    }


def _blank(T):
    return {
        "a": T.zeros(2, 3),
        "b": {"c": T.zeros(2, dtype=T.bfloat16), "n": 0, "s": "", "l": [0, T.ones(1, dtype=T.int64)]},
        "flags": T.tensor([False, True]),
        "scalar": T.tensor(0.0, dtype=T.float64),
        "t": None,
        "step": T.zeros(()),  # a saved object replaces whatever the target holds
    }


@covers(
    "distributed.checkpoint.async_save",
    "distributed.checkpoint.FileSystemWriter",
    "distributed.checkpoint.FileSystemReader",
)
def test_nested_objects_dtypes_and_async(tmp_path):
    tdcp.save(_nested(torch), checkpoint_id=str(tmp_path / "t"))
    fut = jdcp.async_save(_nested(jtorch), storage_writer=jdcp.FileSystemWriter(str(tmp_path / "j")))
    md = fut.result()
    assert fut.done()
    assert list(md.state_dict_metadata) == ["a", "b.c", "b.n", "b.s", "b.l.0", "b.l.1", "flags", "scalar", "t", "step"]
    assert type(md.state_dict_metadata["b.n"]).__name__ == "BytesStorageMetadata"
    assert md.state_dict_metadata["a"].size == jtorch.Size([2, 3])
    tt, jj = _blank(torch), _blank(jtorch)
    tdcp.load(tt, checkpoint_id=str(tmp_path / "t"))
    jdcp.load(jj, storage_reader=jdcp.FileSystemReader(str(tmp_path / "j")))
    _same_tree(tt, jj)
    # a float64 target takes a float32 checkpoint (cast), as in torch
    t64, j64 = {"a": torch.zeros(2, 3, dtype=torch.float64)}, {"a": jtorch.zeros(2, 3, dtype=jtorch.float64)}
    tdcp.load(t64, checkpoint_id=str(tmp_path / "t"))
    jdcp.load(j64, checkpoint_id=str(tmp_path / "j"))
    _same_tree(t64, j64)


def _last_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[-1]


@covers("distributed.checkpoint.CheckpointException")
@pytest.mark.parametrize(
    "bad",
    [
        lambda T: {"zz": T.zeros(1)},
        lambda T: {"b": {"zz": T.zeros(1)}},
        lambda T: {"a": T.zeros(3, 3)},
        lambda T: {"b": {"c": T.zeros(3, dtype=T.bfloat16)}},
        lambda T: {"a": 1},
    ],
    ids=["missing", "missing-nested", "shape", "shape-nested", "tensor-into-object"],
)
def test_load_errors_name_the_key(tmp_path, bad):
    tdcp.save(_nested(torch), checkpoint_id=str(tmp_path / "t"))
    jdcp.save(_nested(jtorch), checkpoint_id=str(tmp_path / "j"))
    with pytest.raises(tdcp.CheckpointException) as te:
        tdcp.load(bad(torch), checkpoint_id=str(tmp_path / "t"))
    with pytest.raises(jdcp.CheckpointException) as je:
        jdcp.load(bad(jtorch), checkpoint_id=str(tmp_path / "j"))
    assert _last_line(je.value) == _last_line(te.value)
    assert not issubclass(jdcp.CheckpointException, Exception)  # a BaseException, as torch's


def test_partial_load_skips_missing_keys(tmp_path):
    jdcp.save({"a": jtorch.ones(2)}, checkpoint_id=str(tmp_path / "j"))
    out = {"a": jtorch.zeros(2), "zz": jtorch.zeros(1)}
    jdcp.load(out, checkpoint_id=str(tmp_path / "j"), planner=jdcp.DefaultLoadPlanner(allow_partial_load=True))
    assert out["a"].tolist() == [1.0, 1.0] and out["zz"].tolist() == [0.0]


def test_missing_directory_and_warning(tmp_path):
    with pytest.raises(jdcp.CheckpointException, match="No such file or directory"):
        jdcp.load({"a": jtorch.zeros(1)}, checkpoint_id=str(tmp_path / "nope"))
    with pytest.raises(RuntimeError, match="`checkpoint_id` must be specified"):
        jdcp.save({"a": jtorch.zeros(1)})
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        jdcp.save({"a": jtorch.zeros(1)}, checkpoint_id=str(tmp_path / "w"))
    assert [str(x.message) for x in w] == [
        "torch.distributed is disabled, unavailable or uninitialized, assuming the intent is to save in a single process."
    ]
    jdcp.save({"a": jtorch.ones(1)}, checkpoint_id=str(tmp_path / "w"))  # an existing checkpoint is replaced
    out = {"a": jtorch.zeros(1)}
    jdcp.load(out, checkpoint_id=str(tmp_path / "w"))
    assert out["a"].tolist() == [1.0]


@covers("distributed.checkpoint.Stateful")
def test_stateful_module_and_optimizer(tmp_path):
    _, j = _models()
    opt = jtorch.optim.SGD(j.parameters(), lr=0.1, momentum=0.9)
    _train(jtorch, j, opt, 2)
    jdcp.save({"model": j, "optim": opt}, checkpoint_id=str(tmp_path / "s"))
    _, j2 = _models()
    opt2 = jtorch.optim.SGD(j2.parameters(), lr=0.1, momentum=0.9)
    _train(jtorch, j2, opt2, 1)  # create optimizer state so every saved key has a target
    jdcp.load({"model": j2, "optim": opt2}, checkpoint_id=str(tmp_path / "s"))
    for k, v in j.state_dict().items():
        assert np.array_equal(v.numpy(), j2.state_dict()[k].numpy())
    _train(jtorch, j, opt, 1)
    _train(jtorch, j2, opt2, 1)
    for k, v in j.state_dict().items():
        assert np.array_equal(v.numpy(), j2.state_dict()[k].numpy())


def test_checkpoint_manager_keeps_last_n_and_resumes(tmp_path):
    """jtorch's CheckpointManager (beyond torch): keep the last N steps, find the latest, resume in place."""
    with jdcp.CheckpointManager(tmp_path / "mgr", max_to_keep=2) as mgr:
        assert mgr.latest_step() is None
        for step in range(4):
            mgr.save(step, {"w": jtorch.full((3,), float(step)), "meta": {"step": step}})
        mgr.wait_until_finished()
        assert mgr.all_steps() == [2, 3] and mgr.latest_step() == 3
        out = {"w": jtorch.zeros(3), "meta": {"step": -1}}
        assert mgr.restore(state_dict=out) == 3
        assert out["w"].tolist() == [3.0, 3.0, 3.0] and out["meta"]["step"] == 3
        mgr.restore(2, out)
        assert out["w"].tolist() == [2.0, 2.0, 2.0] and out["meta"]["step"] == 2
    with jdcp.CheckpointManager(tmp_path / "mgr", max_to_keep=2) as mgr:  # a new process finds the same steps
        assert mgr.all_steps() == [2, 3]


def test_async_save_snapshots_the_values_at_the_call(tmp_path):
    """The training loop may keep updating tensors in place while async_save writes (jax arrays are immutable)."""
    w = jtorch.zeros(4)
    fut = jdcp.async_save({"w": w}, checkpoint_id=str(tmp_path / "a"))
    w.add_(1.0)
    fut.result()
    out = {"w": jtorch.full((4,), 7.0)}
    jdcp.load(out, checkpoint_id=str(tmp_path / "a"))
    assert out["w"].tolist() == [0.0] * 4 and w.tolist() == [1.0] * 4
