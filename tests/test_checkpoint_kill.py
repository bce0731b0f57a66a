"""A process SIGKILLed in the middle of saving a ~50 MB checkpoint leaves the previous one intact:
for ``jtorch.save`` to a path (temporary file + rename), for ``jtorch.distributed.checkpoint.save``
over an existing checkpoint, and for the CheckpointManager (orbax's temporary directory + rename)."""

import os
import signal
import subprocess
import sys
import textwrap
import time
import warnings

import pytest

import jtorch
import jtorch.distributed.checkpoint as dcp

MB = 50
_N = MB * 2**20 // 4 // 8  # 8 float32 tensors of MB/8 each

_CHILD = textwrap.dedent(
    f"""
    import sys, warnings
    import jtorch
    import jtorch.distributed.checkpoint as dcp
    warnings.simplefilter("ignore")
    kind, path = sys.argv[1], sys.argv[2]
    mgr = dcp.CheckpointManager(path, max_to_keep=3) if kind == "manager" else None
    print("ready", flush=True)
    step = 1
    while True:  # save again and again (step k holds the value k): the parent kills one save midway
        step += 1
        sd = {{f"w{{i}}": jtorch.full(({_N},), float(step)) for i in range(8)}}
        if kind == "save":
            jtorch.save(sd, path)
        elif kind == "dcp":
            dcp.save(sd, checkpoint_id=path)
        else:
            mgr.save(step, sd)
            mgr.wait_until_finished()
    """
)


def _state(value: float):
    return {f"w{i}": jtorch.full((_N,), value) for i in range(8)}


def _kill_when(kind: str, path: str, started) -> bool:
    """Run the child; SIGKILL it as soon as ``started()`` sees its save in progress. True if killed mid-save."""
    proc = subprocess.Popen([sys.executable, "-c", _CHILD, kind, path], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            if started():
                os.kill(proc.pid, signal.SIGKILL)
                break
            time.sleep(0.001)
        proc.wait(timeout=60)
        return proc.returncode == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _tmp_entries(folder: str, marker: str):
    return [n for n in os.listdir(folder) if marker in n]


def _uniform_value(sd) -> float:
    """The one value every tensor of a checkpoint holds (a torn checkpoint would mix two)."""
    values = {float(v[0]) for v in sd.values()} | {float(v[-1]) for v in sd.values()}
    assert len(values) == 1 and all(v.shape == (_N,) for v in sd.values())
    return values.pop()


def test_killed_jtorch_save_keeps_previous_file(tmp_path):
    path = str(tmp_path / "model.pt")
    jtorch.save(_state(1.0), path)

    def writing():
        tmps = _tmp_entries(str(tmp_path), ".tmp-")
        return any(os.path.getsize(tmp_path / t) > 2**20 for t in tmps if os.path.exists(tmp_path / t))

    assert _kill_when("save", path, writing)
    _uniform_value(jtorch.load(path))  # the file at path is complete: the first version or one of the child's


@pytest.mark.filterwarnings("ignore:torch.distributed is disabled")
def test_killed_dcp_save_keeps_previous_checkpoint(tmp_path):
    path = str(tmp_path / "ckpt")
    dcp.save(_state(1.0), checkpoint_id=path)
    assert _kill_when("dcp", path, lambda: bool(_tmp_entries(str(tmp_path), "jtorch-new")))
    out = _state(0.0)
    dcp.load(out, checkpoint_id=path)
    assert _uniform_value(out) >= 1.0
    dcp.save({"w": jtorch.ones(1)}, checkpoint_id=path)  # the next save clears the killed one's leftovers
    assert os.listdir(tmp_path) == ["ckpt"]


def test_killed_manager_save_keeps_latest_step(tmp_path):
    folder = str(tmp_path / "run")
    with dcp.CheckpointManager(folder, max_to_keep=3) as mgr:
        mgr.save(1, _state(1.0))
        mgr.wait_until_finished()
    assert _kill_when("manager", folder, lambda: bool(_tmp_entries(folder, "tmp")))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with dcp.CheckpointManager(folder, max_to_keep=3) as mgr:
            latest = mgr.latest_step()
            steps = mgr.all_steps()
            assert latest == steps[-1] and len(steps) <= 3
            out = _state(0.0)
            assert mgr.restore(state_dict=out) == latest
    assert _uniform_value(out) == float(latest)  # the latest complete step, never the killed one
    assert not _tmp_entries(folder, "tmp")  # the killed save's leftovers are cleaned up on the next start


@pytest.mark.filterwarnings("ignore:torch.distributed is disabled")
def test_crash_between_the_swap_renames_is_recovered(tmp_path):
    """A replacement interrupted after ``<path>`` became ``.jtorch-old`` and before ``.jtorch-new`` became
    ``<path>``: the next load or save puts the complete new checkpoint in place and removes the rest."""
    path = str(tmp_path / "ckpt")
    small = {"w": jtorch.zeros(3)}
    dcp.save({"w": jtorch.full((3,), 1.0)}, checkpoint_id=path)
    dcp.save({"w": jtorch.full((3,), 2.0)}, checkpoint_id=path + ".jtorch-new")
    os.rename(path, path + ".jtorch-old")
    dcp.load(small, checkpoint_id=path)
    assert small["w"].tolist() == [2.0] * 3
    assert sorted(os.listdir(tmp_path)) == ["ckpt"]
