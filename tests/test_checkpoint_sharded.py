"""Sharded checkpoints: arrays sharded over 8 devices are saved by jtorch.distributed.checkpoint and
restored in fresh processes onto 4 devices and onto 1, each onto the target tensors' own shardings.

Each phase runs in a subprocess with XLA_FLAGS=--xla_force_host_platform_device_count=N (the pytest
process has already initialized JAX with one device)."""

import os
import subprocess
import sys
import textwrap

_SCRIPT = textwrap.dedent(
    """
    import sys, warnings
    import numpy as np
    import jax
    from jax.sharding import Mesh, NamedSharding, PartitionSpec as P
    import jtorch
    import jtorch.distributed.checkpoint as dcp
    warnings.simplefilter("ignore")

    phase, path = sys.argv[1], sys.argv[2]
    n = len(jax.devices())
    W = np.arange(16 * 8, dtype=np.float32).reshape(16, 8)
    B = np.arange(8, dtype=np.int32)
    R = np.linspace(0, 1, 3)

    def tensor(a, sharding):
        return jtorch.Tensor._wrap(jax.device_put(a, sharding))

    if phase == "save":
        assert n == 8
        mesh = Mesh(np.array(jax.devices()).reshape(4, 2), ("data", "model"))
        sd = {"w": tensor(W, NamedSharding(mesh, P("data", "model"))),
              "b": tensor(B, NamedSharding(mesh, P("data"))),
              "r": tensor(R, NamedSharding(mesh, P())), "step": 7}
        assert len(sd["w"]._data.addressable_shards) == 8
        dcp.save(sd, checkpoint_id=path)
    else:
        if n == 4:
            mesh = Mesh(np.array(jax.devices()).reshape(2, 2), ("x", "y"))
            shard = {"w": NamedSharding(mesh, P("y", "x")), "b": NamedSharding(mesh, P(None)),
                     "r": NamedSharding(mesh, P())}
        else:
            one = jax.sharding.SingleDeviceSharding(jax.devices()[0])
            shard = {"w": one, "b": one, "r": one}
        sd = {"w": tensor(np.zeros_like(W), shard["w"]), "b": tensor(np.zeros_like(B), shard["b"]),
              "r": tensor(np.zeros(3), shard["r"]), "step": 0}
        dcp.load(sd, checkpoint_id=path)
        assert np.array_equal(np.asarray(sd["w"]._data), W)
        assert np.array_equal(np.asarray(sd["b"]._data), B) and sd["b"]._data.dtype == np.int32
        assert np.allclose(np.asarray(sd["r"]._data), R, rtol=0, atol=0) and sd["step"] == 7
        assert sd["w"]._data.sharding == shard["w"], sd["w"]._data.sharding
        assert sd["b"]._data.sharding == shard["b"]
        if n == 4:
            shards = sd["w"]._data.addressable_shards
            assert len(shards) == 4 and shards[0].data.shape == (8, 4)
        print("ok", n)
    """
)


def _run(phase: str, path: str, devices: int) -> str:
    env = dict(os.environ, XLA_FLAGS=f"--xla_force_host_platform_device_count={devices}", JAX_PLATFORMS="cpu")
    out = subprocess.run(
        [sys.executable, "-c", _SCRIPT, phase, path], env=env, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout


def test_save_on_8_devices_restore_on_4_and_1(tmp_path):
    path = str(tmp_path / "ckpt")
    _run("save", path, 8)
    assert "ok 4" in _run("load", path, 4)
    assert "ok 1" in _run("load", path, 1)
