"""DataLoader worker processes: persistence, timeout, dead workers, errors, clean-up, mid-epoch resume.

Worker processes import this module to unpickle the datasets, so it imports no torch (cheap start).
Messages are torch's (torch/utils/data/dataloader.py, torch/_utils.py ExceptionWrapper).
"""

import gc
import os
import pickle
import re
import signal
import time

import numpy as np
import pytest

import jtorch
import jtorch.utils.data as jud

_init_calls = 0


def _count_init(worker_id):
    global _init_calls
    _init_calls += 1


class PidDS(jud.Dataset):
    """Item i: (i as float32, the worker pid, how often worker_init_fn ran in that worker)."""

    def __init__(self, n=8):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return np.float32(i), os.getpid(), _init_calls


class FaultyDS(jud.Dataset):
    """Item ``bad`` sleeps, raises, or kills its worker, depending on ``mode``."""

    def __init__(self, mode, bad=3, n=6):
        self.mode, self.bad, self.n = mode, bad, n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if i == self.bad:
            if self.mode == "sleep":
                time.sleep(10)
            elif self.mode == "slow":
                time.sleep(1.0)
            elif self.mode == "raise":
                raise ValueError(f"bad item {i}")
            elif self.mode == "kill":
                os.kill(os.getpid(), signal.SIGKILL)
        return np.float32(i)


class Ident(jud.Dataset):
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return i


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _wait_gone(pids, seconds=5.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.05)
    return [p for p in pids if _alive(p)]


def test_persistent_workers_serve_every_epoch_and_init_once():
    loader = jud.DataLoader(PidDS(), batch_size=2, num_workers=2, persistent_workers=True, worker_init_fn=_count_init)
    epochs = [list(loader) for _ in range(3)]
    pids = [{int(p) for b in e for p in b[1]} for e in epochs]
    assert len(pids[0]) == 2 and pids[0] == pids[1] == pids[2] and os.getpid() not in pids[0]
    for e in epochs:
        assert [b[0].tolist() for b in e] == [[0.0, 1.0], [2.0, 3.0], [4.0, 5.0], [6.0, 7.0]]
        assert all(b[0].dtype == jtorch.float32 and b[1].dtype == jtorch.int64 for b in e)
        assert {int(c) for b in e for c in b[2]} == {1}  # worker_init_fn ran once per worker
    # A new iterator mid-epoch takes the same workers over (torch resets its iterator).
    it = iter(loader)
    next(it)
    assert [b[0].tolist() for b in loader][0] == [0.0, 1.0]
    loader._pool.shutdown()
    assert _wait_gone(pids[0]) == []


def test_timeout_raises_torchs_error_quickly():
    # timeout=3 leaves room for a worker's start under load; the slow item takes 10 s.
    it = iter(jud.DataLoader(FaultyDS("sleep", bad=1), num_workers=1, timeout=3))
    assert float(next(it)) == 0.0
    t0 = time.monotonic()
    with pytest.raises(RuntimeError, match=r"^DataLoader timed out after 3 seconds$"):
        next(it)
    assert time.monotonic() - t0 < 8.0


def test_dead_worker_raises():
    with pytest.raises(RuntimeError, match=r"^DataLoader worker \(pid\(s\) \d+\) exited unexpectedly$") as info:
        list(jud.DataLoader(FaultyDS("kill"), batch_size=2, num_workers=2))
    assert re.fullmatch(r"DataLoader worker \(pid \d+\) is killed by signal: Killed\. ", str(info.value.__cause__))


def test_worker_exception_keeps_type_message_and_worker_id():
    with pytest.raises(ValueError) as info:
        list(jud.DataLoader(FaultyDS("raise"), batch_size=2, num_workers=2))
    msg = str(info.value)
    assert msg.startswith("Caught ValueError in DataLoader worker process 1.\nOriginal Traceback")
    assert msg.rstrip().endswith("ValueError: bad item 3")


def test_in_order_false_yields_batches_as_they_come():
    ds = FaultyDS("slow", bad=0, n=4)
    loader = jud.DataLoader(ds, num_workers=2, in_order=False, persistent_workers=True)
    assert sorted(float(b) for b in loader) == [0.0, 1.0, 2.0, 3.0]  # warm-up: both workers are up after it
    got = [float(b) for b in loader]
    assert sorted(got) == [0.0, 1.0, 2.0, 3.0] and got[0] != 0.0  # item 0 now takes 1 s: it comes later
    loader._pool.shutdown()


def test_no_workers_left_after_break_or_del():
    loader = jud.DataLoader(PidDS(40), batch_size=2, num_workers=2)
    it = iter(loader)
    pids = {int(p) for p in next(it)[1]} | {int(p) for p in next(it)[1]}
    assert len(pids) == 2
    del it
    gc.collect()
    assert _wait_gone(pids) == []
    for b in loader:
        pids = {int(p) for p in b[1]}
        break
    gc.collect()
    assert _wait_gone(pids) == []


def _epochs(loader, n):
    return [[b.tolist() for b in loader] for _ in range(n)]


@pytest.mark.parametrize("workers", [0, 2])
def test_mid_epoch_resume_gives_the_remaining_batches_then_the_same_epochs(workers):
    ds = Ident(10)
    kw = dict(batch_size=3, shuffle=True, num_workers=workers, persistent_workers=workers > 0)
    full = _epochs(jud.DataLoader(ds, generator=jtorch.Generator().manual_seed(7), **kw), 3)
    assert full[0] != full[1] and sorted(sum(full[0], [])) == list(range(10))

    first = jud.DataLoader(ds, generator=jtorch.Generator().manual_seed(7), **kw)
    assert [b.tolist() for b in first] == full[0]
    it = iter(first)  # checkpoint inside the second epoch (persistent workers: no new base seed)
    seen = [next(it).tolist(), next(it).tolist()]
    sd = pickle.loads(pickle.dumps(first.state_dict()))  # a checkpoint holds it
    del it, first
    resumed = jud.DataLoader(ds, generator=jtorch.Generator().manual_seed(99), **kw)
    resumed.load_state_dict(sd)
    assert seen + [b.tolist() for b in resumed] == full[1]
    assert [b.tolist() for b in resumed] == full[2]


def test_resume_with_the_default_generator():
    """Without generator=, the default generator drives the order; the user saves its state."""
    ds = Ident(10)
    jtorch.manual_seed(3)
    full = _epochs(jud.DataLoader(ds, batch_size=4, shuffle=True), 2)
    jtorch.manual_seed(3)
    first = jud.DataLoader(ds, batch_size=4, shuffle=True)
    it = iter(first)
    seen = [next(it).tolist()]
    sd, rng = first.state_dict(), jtorch.get_rng_state()
    jtorch.manual_seed(12345)
    resumed = jud.DataLoader(ds, batch_size=4, shuffle=True)
    resumed.load_state_dict(sd)
    jtorch.set_rng_state(rng)
    assert seen + [b.tolist() for b in resumed] == full[0]
    assert [b.tolist() for b in resumed] == full[1]


def test_iterable_state_dict_needs_a_stateful_dataset():
    class Counter(jud.IterableDataset):
        def __init__(self):
            self.start = 0

        def __iter__(self):
            for i in range(self.start, 6):
                self.start = i + 1
                yield i

        def state_dict(self):
            return {"start": self.start}

        def load_state_dict(self, sd):
            self.start = sd["start"]

    class Plain(jud.IterableDataset):
        def __iter__(self):
            return iter(range(3))

    loader = jud.DataLoader(Counter(), batch_size=2)
    it = iter(loader)
    assert next(it).tolist() == [0, 1]
    sd = loader.state_dict()
    resumed = jud.DataLoader(Counter(), batch_size=2)
    resumed.load_state_dict(sd)
    assert [b.tolist() for b in resumed] == [[2, 3], [4, 5]]
    with pytest.raises(NotImplementedError, match="IterableDataset needs num_workers=0"):
        jud.DataLoader(Plain()).state_dict()
    with pytest.raises(NotImplementedError, match="IterableDataset needs num_workers=0"):
        jud.DataLoader(Counter(), num_workers=2).state_dict()
