"""Data parallelism over 8 CPU devices (jax.sharding): an MLP trained a few Adam steps single-device,
DDP-wrapped (eager and jtorch.compile), DataParallel-wrapped and fully_shard'ed (eager and compiled)
gives the same losses and parameters, and the parameters, gradients and optimizer state sit where
each wrapper puts them.

Runs in a subprocess with XLA_FLAGS=--xla_force_host_platform_device_count=8 (the pytest process has
already initialized JAX with one device). Tolerance rtol=1e-5, atol=1e-6 in float32: the sharded
programs reduce the batch in a different order (per-device partial sums, then an all-reduce)."""

import os
import subprocess
import sys
import textwrap

_SCRIPT = textwrap.dedent(
    """
    import sys, warnings
    import numpy as np
    import jax
    from jax.sharding import PartitionSpec as P
    import jtorch as torch
    import jtorch.distributed as dist
    import jtorch.distributed.checkpoint as dcp
    from jtorch.distributed.device_mesh import init_device_mesh
    from jtorch.distributed.fsdp import FSDPModule, fully_shard
    assert jax.device_count() == 8

    def make():
        torch.manual_seed(0)
        return torch.nn.Sequential(torch.nn.Linear(8, 32), torch.nn.ReLU(), torch.nn.Linear(32, 4))

    g = torch.Generator().manual_seed(1)
    X, Y = torch.randn(3, 16, 8, generator=g), torch.randn(3, 16, 4, generator=g)

    def train(model, compiled=False):
        opt = torch.optim.Adam(model.parameters(), lr=1e-2)
        def step(x, y):
            opt.zero_grad()
            loss = torch.nn.functional.mse_loss(model(x), y)
            loss.backward()
            opt.step()
            return loss
        f = torch.compile(step, fullgraph=True) if compiled else step
        losses = [f(X[i], Y[i]).item() for i in range(3)]  # call 1 runs eagerly, calls 2-3 compiled
        assert not compiled or f.compile_count == 1, f.compile_count
        return losses, opt

    ref_model = make()
    ref, _ = train(ref_model)
    ref_sd = {k: np.asarray(v._data) for k, v in ref_model.state_dict().items()}

    def check(name, model, losses, prefix=""):
        np.testing.assert_allclose(losses, ref, rtol=1e-5, atol=1e-6, err_msg=name)
        sd = model.state_dict()
        assert sorted(sd) == sorted(prefix + k for k in ref_sd), (name, list(sd))
        for k, v in ref_sd.items():
            np.testing.assert_allclose(np.asarray(sd[prefix + k]._data), v, rtol=1e-5, atol=1e-6, err_msg=name + k)

    def specs(ts):
        return [t._data.sharding.spec for t in ts]

    def state_specs(opt):
        return [{k: v._data.sharding.spec for k, v in st.items()} for st in opt.state.values()]

    dist.init_process_group("gloo", rank=0, world_size=1)
    assert (dist.get_rank(), dist.get_world_size()) == (0, 1)
    s = torch.utils.data.DistributedSampler(list(range(10)), shuffle=False)
    assert (s.rank, s.num_replicas, list(s)) == (0, 1, list(range(10)))

    # DDP: parameters, grads and optimizer state replicated on all 8 devices; the batch is split.
    for compiled in (False, True):
        m = torch.nn.parallel.DistributedDataParallel(make())
        losses, opt = train(m, compiled)
        ps = list(m.parameters())
        assert specs(ps) == [P()] * 4 and all(len(p._data.sharding.device_set) == 8 for p in ps)
        assert specs(p.grad for p in ps) == [P()] * 4
        assert all(v == P() for st in state_specs(opt) for v in st.values())
        check(f"ddp compiled={compiled}", m, losses, "module.")
    out = m(X[0])
    assert out._data.sharding.spec == P("dp", None) and len(out._data.sharding.device_set) == 8

    m = torch.nn.DataParallel(make())
    assert m.device_ids == list(range(8))
    losses, _ = train(m)
    check("DataParallel", m, losses, "module.")

    # fully_shard: dim 0 split over the 8 devices where divisible (32), replicated where not (4).
    mesh = init_device_mesh("cpu", (8,), mesh_dim_names=("dp",))
    sharded = [P("dp"), P("dp"), P(), P()]
    for compiled in (False, True):
        m = fully_shard(make(), mesh=mesh)
        assert isinstance(m, FSDPModule) and type(m).__name__ == "FSDPSequential"
        losses, opt = train(m, compiled)
        ps = list(m.parameters())
        assert specs(ps) == sharded, specs(ps)
        assert ps[0]._data.addressable_shards[0].data.shape == (4, 8)
        assert specs(p.grad for p in ps) == sharded
        assert [(st["exp_avg"], st["exp_avg_sq"]) for st in state_specs(opt)] == [(s, s) for s in sharded]
        check(f"fsdp compiled={compiled}", m, losses)
        assert specs(m.state_dict().values()) == sharded  # what jtorch.distributed.checkpoint saves

    # unshard/reshard, and a sharded checkpoint restored in place keeps the target's shardings.
    m.unshard()
    assert specs(m.parameters()) == [P()] * 4
    m.reshard()
    assert specs(m.parameters()) == sharded
    dcp.save(m.state_dict(), checkpoint_id=sys.argv[1])
    fresh = fully_shard(torch.nn.Sequential(torch.nn.Linear(8, 32), torch.nn.ReLU(), torch.nn.Linear(32, 4)), mesh=mesh)
    sd = fresh.state_dict()
    dcp.load(sd, checkpoint_id=sys.argv[1])
    assert specs(fresh.parameters()) == sharded, specs(fresh.parameters())
    for k, v in ref_sd.items():
        np.testing.assert_allclose(np.asarray(fresh.state_dict()[k]._data), v, rtol=1e-5, atol=1e-6)

    # HSDP on a 2-D mesh: replicated over 'rep', sharded over 'shard'; forward matches.
    mesh2 = init_device_mesh("cpu", (2, 4), mesh_dim_names=("rep", "shard"))
    h = fully_shard(make(), mesh=mesh2)
    assert specs(h.parameters()) == [P("shard")] * 4, specs(h.parameters())  # 32 and 4 rows split 4 ways
    np.testing.assert_allclose(np.asarray(h(X[0])._data), np.asarray(make()(X[0])._data), rtol=1e-5, atol=1e-6)
    assert mesh2["shard"].shape == (4,) and mesh2.shape == (2, 4) and mesh2.size() == 8
    assert mesh2.mesh.tolist() == [[0, 1, 2, 3], [4, 5, 6, 7]] and mesh2["shard"].mesh.tolist() == [0, 1, 2, 3]
    assert mesh2.get_coordinate() == [0, 0] and mesh2.get_local_rank("shard") == 0
    assert mesh2.get_group("rep") is dist.group.WORLD

    # DDP over a given DeviceMesh: the same as over the default one.
    d = torch.nn.parallel.DistributedDataParallel(make(), device_mesh=mesh)
    assert specs(d.parameters()) == [P()] * 4
    np.testing.assert_allclose(np.asarray(d(X[0])._data), np.asarray(make()(X[0])._data), rtol=1e-5, atol=1e-6)
    dist.destroy_process_group()
    print("ok")
    """
)


def test_ddp_dataparallel_fsdp_on_8_devices_match_single_device(tmp_path):
    env = dict(os.environ, XLA_FLAGS="--xla_force_host_platform_device_count=8", JAX_PLATFORMS="cpu")
    out = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(tmp_path / "ckpt")], env=env, capture_output=True, text=True, timeout=400
    )
    assert out.returncode == 0, out.stderr[-4000:]
    assert out.stdout.strip().endswith("ok")
