"""torch.distributed parity in one process: jtorch's process group (world of one, no coordinator)
against torch's gloo process group: errors before init, the collectives' results and argument
errors, ReduceOp/Backend, DistributedSampler defaults, and a DDP training step."""

import socket
import warnings

import numpy as np
import pytest
import torch
import torch.distributed as tdist
from opinfo import assert_same, covers

import jtorch
import jtorch.distributed as jdist

torch.set_num_threads(1)


def _err(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the type and message are what is compared
        return type(e), str(e)
    return None


def _same_error(tfn, jfn):
    t, j = _err(tfn), _err(jfn)
    assert t is not None and j == t, f"jtorch {j} != torch {t}"


@covers(
    "distributed.is_available", "distributed.is_initialized", "distributed.get_rank", "distributed.get_world_size",
    "distributed.barrier", "distributed.destroy_process_group", "distributed.get_backend", "distributed.new_group",
)  # fmt: skip
def test_before_init_raises_torchs_errors():
    assert jdist.is_available() == tdist.is_available() and not jdist.is_initialized()
    for name in ("get_rank", "get_world_size", "barrier", "get_backend", "new_group", "destroy_process_group"):
        _same_error(getattr(tdist, name), getattr(jdist, name))
    _same_error(lambda: tdist.all_reduce(torch.ones(2)), lambda: jdist.all_reduce(jtorch.ones(2)))
    _same_error(lambda: tdist.broadcast(torch.ones(2), 0), lambda: jdist.broadcast(jtorch.ones(2), 0))
    _same_error(
        lambda: tdist.all_gather([torch.ones(2)], torch.ones(2)),
        lambda: jdist.all_gather([jtorch.ones(2)], jtorch.ones(2)),
    )
    _same_error(
        lambda: torch.nn.parallel.DistributedDataParallel(torch.nn.Linear(2, 2)),
        lambda: jtorch.nn.parallel.DistributedDataParallel(jtorch.nn.Linear(2, 2)),
    )
    _same_error(
        lambda: torch.utils.data.DistributedSampler(list(range(4))),
        lambda: jtorch.utils.data.DistributedSampler(list(range(4))),
    )


@covers("distributed.ReduceOp", "distributed.Backend")
def test_reduce_op_and_backend():
    for name in ("SUM", "AVG", "PRODUCT", "MIN", "MAX", "BAND", "BOR", "BXOR"):
        t, j = getattr(tdist.ReduceOp, name), getattr(jdist.ReduceOp, name)
        assert (repr(j), str(j)) == (repr(t), str(t))
    for name in ("gloo", "GLOO", "nccl", "mpi", "custom"):
        assert jdist.Backend(name) == tdist.Backend(name)
    assert jdist.Backend.NCCL == tdist.Backend.NCCL


@pytest.fixture(scope="module")
def groups():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    tdist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=0, world_size=1)
    jdist.init_process_group("gloo", rank=0, world_size=1)
    yield
    tdist.destroy_process_group()
    jdist.destroy_process_group()
    assert not jdist.is_initialized()


@covers(
    "distributed.init_process_group", "distributed.all_reduce", "distributed.broadcast", "distributed.all_gather",
    "distributed.all_gather_into_tensor", "distributed.reduce_scatter", "distributed.reduce_scatter_tensor",
    "distributed.all_gather_single", "distributed.reduce_scatter_single", "distributed.gather", "distributed.scatter",
    "distributed.all_to_all_single", "distributed.all_to_all",
    "distributed.reduce", "distributed.all_gather_object", "distributed.broadcast_object_list",
)  # fmt: skip
def test_collectives_in_a_world_of_one(groups):
    assert (jdist.get_rank(), jdist.get_world_size(), jdist.get_backend()) == (
        tdist.get_rank(), tdist.get_world_size(), tdist.get_backend(),
    )  # fmt: skip
    _same_error(lambda: tdist.init_process_group("gloo"), lambda: jdist.init_process_group("gloo"))
    vals = np.array([[1.5, -2.0, 3.0], [0.5, 4.0, -1.0]], np.float32)
    for op in ("SUM", "AVG", "PRODUCT", "MIN", "MAX"):
        t, j = torch.tensor(vals), jtorch.tensor(vals)
        tw = tdist.all_reduce(t, op=getattr(tdist.ReduceOp, op))
        jw = jdist.all_reduce(j, op=getattr(jdist.ReduceOp, op))
        assert tw is None and jw is None
        assert_same(t, j, 0, 0, op)
    ti, ji = torch.tensor([5, 6], dtype=torch.int64), jtorch.tensor([5, 6], dtype=jtorch.int64)
    tdist.all_reduce(ti, op=tdist.ReduceOp.BXOR)
    jdist.all_reduce(ji, op=jdist.ReduceOp.BXOR)
    assert_same(ti, ji, 0, 0, "BXOR")
    t, j = torch.tensor(vals), jtorch.tensor(vals)
    assert tdist.broadcast(t, 0, async_op=True).wait() and jdist.broadcast(j, 0, async_op=True).wait()
    assert_same(t, j, 0, 0, "broadcast")
    tl, jl = [torch.zeros(2, 3)], [jtorch.zeros(2, 3)]
    tdist.all_gather(tl, torch.tensor(vals))
    jdist.all_gather(jl, jtorch.tensor(vals))
    assert_same(tl[0], jl[0], 0, 0, "all_gather")
    for name in ("all_gather_single", "all_gather_into_tensor", "reduce_scatter_single", "reduce_scatter_tensor"):
        to, jo = torch.zeros(2, 3), jtorch.zeros(2, 3)
        with warnings.catch_warnings(record=True) as tw:
            warnings.simplefilter("always")
            getattr(tdist, name)(to, torch.tensor(vals) * 2)
        with warnings.catch_warnings(record=True) as jw:
            warnings.simplefilter("always")
            getattr(jdist, name)(jo, jtorch.tensor(vals) * 2)
        assert [(w.category, str(w.message)) for w in jw] == [(w.category, str(w.message)) for w in tw], name
        assert_same(to, jo, 0, 0, name)
    to, jo = torch.zeros(2, 3), jtorch.zeros(2, 3)
    tdist.reduce_scatter(to, [torch.tensor(vals) - 1])
    jdist.reduce_scatter(jo, [jtorch.tensor(vals) - 1])
    assert_same(to, jo, 0, 0, "reduce_scatter")
    t, j = torch.tensor(vals), jtorch.tensor(vals)
    tdist.reduce(t, dst=0, op=tdist.ReduceOp.MAX)
    jdist.reduce(j, dst=0, op=jdist.ReduceOp.MAX)
    assert_same(t, j, 0, 0, "reduce")
    tl, jl = [torch.zeros(2, 3)], [jtorch.zeros(2, 3)]
    tdist.gather(torch.tensor(vals), tl, dst=0)
    jdist.gather(jtorch.tensor(vals), jl, dst=0)
    assert_same(tl[0], jl[0], 0, 0, "gather")
    t, j = torch.zeros(2, 3), jtorch.zeros(2, 3)
    tdist.scatter(t, [torch.tensor(vals) + 1], src=0)
    jdist.scatter(j, [jtorch.tensor(vals) + 1], src=0)
    assert_same(t, j, 0, 0, "scatter")
    _same_error(lambda: tdist.scatter(torch.zeros(2), src=0), lambda: jdist.scatter(jtorch.zeros(2), src=0))
    t, j = torch.zeros(2, 3), jtorch.zeros(2, 3)
    tdist.all_to_all_single(t, torch.tensor(vals) * 3)
    jdist.all_to_all_single(j, jtorch.tensor(vals) * 3)
    assert_same(t, j, 0, 0, "all_to_all_single")
    tl, jl = [torch.zeros(2, 3)], [jtorch.zeros(2, 3)]
    tdist.all_to_all(tl, [torch.tensor(vals) - 2])
    jdist.all_to_all(jl, [jtorch.tensor(vals) - 2])
    assert_same(tl[0], jl[0], 0, 0, "all_to_all")
    tobj, jobj = [None], [None]
    tdist.all_gather_object(tobj, {"a": [1, 2]})
    jdist.all_gather_object(jobj, {"a": [1, 2]})
    assert tobj == jobj
    tl, jl = [1, "two"], [1, "two"]
    tdist.broadcast_object_list(tl, src=0)
    jdist.broadcast_object_list(jl, src=0)
    assert tl == jl
    # argument errors
    _same_error(lambda: tdist.all_reduce([torch.ones(2)]), lambda: jdist.all_reduce([jtorch.ones(2)]))
    _same_error(
        lambda: tdist.all_gather(torch.ones(2), torch.ones(2)), lambda: jdist.all_gather(jtorch.ones(2), jtorch.ones(2))
    )
    _same_error(lambda: tdist.all_gather([1], torch.ones(2)), lambda: jdist.all_gather([1], jtorch.ones(2)))
    assert jdist.new_group() is jdist.group.WORLD and jdist.get_world_size(jdist.new_group([0])) == 1


@covers(
    "nn.parallel.DistributedDataParallel",
    "nn.DataParallel",
    "nn.parallel.DataParallel",
    "utils.data.DistributedSampler",
)
def test_ddp_step_and_sampler_match_torch(groups):
    torch.manual_seed(0)
    tm = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2))
    jm = jtorch.nn.Sequential(jtorch.nn.Linear(3, 4), jtorch.nn.Tanh(), jtorch.nn.Linear(4, 2))
    jm.load_state_dict({k: jtorch.tensor(v.numpy()) for k, v in tm.state_dict().items()})
    tddp, jddp = torch.nn.parallel.DistributedDataParallel(tm), jtorch.nn.parallel.DistributedDataParallel(jm)
    assert list(jddp.state_dict()) == list(tddp.state_dict()) and jddp.module is jm
    assert repr(jddp) == repr(tddp)
    x, y = np.random.default_rng(0).standard_normal((2, 6, 3), dtype=np.float32)[0], np.zeros((6, 2), np.float32)
    topt, jopt = torch.optim.SGD(tddp.parameters(), lr=0.5), jtorch.optim.SGD(jddp.parameters(), lr=0.5)
    for m, opt, lib in ((tddp, topt, torch), (jddp, jopt, jtorch)):
        with m.no_sync():
            pass
        loss = lib.nn.functional.mse_loss(m(lib.tensor(x)), lib.tensor(y))
        loss.backward()
        opt.step()
    for (k, t), j in zip(tddp.state_dict().items(), jddp.state_dict().values()):
        assert_same(t, j, 1e-6, 1e-6, k)
    tdp, jdp = torch.nn.DataParallel(tm), jtorch.nn.DataParallel(jm)
    assert list(jdp.state_dict()) == list(tdp.state_dict()) and repr(jdp) == repr(tdp)
    assert_same(tdp(torch.tensor(x)), jdp(jtorch.tensor(x)), 1e-6, 1e-6, "DataParallel forward")
    ts, js = torch.utils.data.DistributedSampler(list(range(7))), jtorch.utils.data.DistributedSampler(list(range(7)))
    assert (ts.rank, ts.num_replicas, len(ts)) == (js.rank, js.num_replicas, len(js))
