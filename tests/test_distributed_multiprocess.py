"""Two processes on loopback (jax.distributed, coordinator 127.0.0.1 on a free port): init_process_group
from torch's env:// variables (rank 0) and a tcp:// URL (rank 1), the collectives give torch's results,
DistributedSampler splits by rank, and DDP steps (eager, and under jtorch.compile, which falls back to
eager across processes) leave both ranks with the same parameters, equal to one process training on both
ranks' batches; gradients accumulated under no_sync() are averaged at the next synchronized backward, as
in torch.

Each rank is a subprocess with one CPU device; a hang fails the test through the subprocess timeout."""

import os
import socket
import subprocess
import sys
import textwrap

_SCRIPT = textwrap.dedent(
    """
    import os, warnings
    import numpy as np
    import jtorch as torch
    import jtorch.distributed as dist

    from datetime import timedelta
    if os.environ["RANK"] == "0":  # env://: MASTER_ADDR, MASTER_PORT, RANK, WORLD_SIZE
        dist.init_process_group("gloo", timeout=timedelta(seconds=60))
    else:
        url = f"tcp://127.0.0.1:{os.environ['MASTER_PORT']}?rank=1&world_size=2"
        dist.init_process_group("gloo", init_method=url, timeout=timedelta(seconds=60))
    r, w = dist.get_rank(), dist.get_world_size()
    assert (r, w) == (int(os.environ["RANK"]), 2) and dist.is_initialized() and dist.get_backend() == "gloo"

    def eq(t, expected):
        np.testing.assert_array_equal(t.numpy(), np.asarray(expected, dtype=t.numpy().dtype))

    base = np.arange(4.0)
    for op, expected in [(dist.ReduceOp.SUM, 2 * base + 10), (dist.ReduceOp.AVG, base + 5),
                         (dist.ReduceOp.MAX, base + 10), (dist.ReduceOp.MIN, base),
                         (dist.ReduceOp.PRODUCT, base * (base + 10))]:
        t = torch.arange(4.0) + 10 * r
        assert dist.all_reduce(t, op=op) is None
        eq(t, expected)
    t = torch.tensor([1, 2], dtype=torch.int64) << r
    dist.all_reduce(t, op=dist.ReduceOp.BOR)
    eq(t, [3, 6])

    t = torch.full((2, 3), float(r))
    work = dist.broadcast(t, src=1, async_op=True)
    assert work.wait() and work.is_completed()
    eq(t, np.ones((2, 3)))

    outs = [torch.zeros(3) for _ in range(2)]
    dist.all_gather(outs, torch.arange(3.0) * (r + 1))
    eq(outs[0], [0, 1, 2]); eq(outs[1], [0, 2, 4])
    cat, stk = torch.zeros(4), torch.zeros(2, 2)
    dist.all_gather_into_tensor(cat, torch.tensor([r, r + 0.5]))
    dist.all_gather_into_tensor(stk, torch.tensor([r, r + 0.5]))
    eq(cat, [0, 0.5, 1, 1.5]); eq(stk, [[0, 0.5], [1, 1.5]])

    # rank q contributes input_list[k] = (q + 1) * (k + 1); rank r receives sum_q (q + 1) * (r + 1)
    out = torch.zeros(3)
    dist.reduce_scatter(out, [torch.full((3,), float((r + 1) * (k + 1))) for k in range(2)])
    eq(out, np.full(3, 3.0 * (r + 1)))
    out = torch.zeros(2)
    dist.reduce_scatter_tensor(out, torch.arange(4.0) + r, op=dist.ReduceOp.MAX)
    eq(out, [1, 2] if r == 0 else [3, 4])
    t = torch.ones(2) * (r + 1)
    dist.reduce(t, dst=0)
    eq(t, [3, 3] if r == 0 else [2, 2])

    gl = [torch.zeros(2) for _ in range(2)] if r == 1 else None
    dist.gather(torch.tensor([r, -r], dtype=torch.float32), gl, dst=1)
    if r == 1:
        eq(gl[0], [0, 0]); eq(gl[1], [1, -1])
    t = torch.zeros(2)
    dist.scatter(t, [torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0])] if r == 0 else None, src=0)
    eq(t, [1, 2] if r == 0 else [3, 4])
    out = torch.zeros(4)
    dist.all_to_all_single(out, torch.arange(4.0) + 10 * r)  # rank r gets chunk r of every rank
    eq(out, [0, 1, 10, 11] if r == 0 else [2, 3, 12, 13])
    outs = [torch.zeros(1) for _ in range(2)]
    dist.all_to_all(outs, [torch.tensor([10.0 * r + k]) for k in range(2)])
    eq(outs[0], [r]); eq(outs[1], [10 + r])

    objs = [None, None]
    dist.all_gather_object(objs, {"rank": r})
    assert objs == [{"rank": 0}, {"rank": 1}]
    lst = [r, "x" * (r + 1)]
    dist.broadcast_object_list(lst, src=1)
    assert lst == [1, "xx"]

    sampler = torch.utils.data.DistributedSampler(list(range(10)), shuffle=False)
    assert (sampler.rank, sampler.num_replicas, list(sampler)) == (r, 2, list(range(r, 10, 2)))
    dist.barrier()

    # DDP: rank 1 starts from other weights (init_sync broadcasts rank 0's), each rank its own batch.
    def make():
        torch.manual_seed(0)
        return torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.Tanh(), torch.nn.Linear(5, 2))

    model = make()
    if r == 1:
        with torch.no_grad():
            for p in model.parameters():
                p.add_(1.0)
    ddp = torch.nn.parallel.DistributedDataParallel(model)
    g = torch.Generator().manual_seed(3)
    X, Y = torch.randn(3, 2, 4, 3, generator=g), torch.randn(3, 2, 4, 2, generator=g)  # [step, rank, batch, ...]
    opt = torch.optim.SGD(ddp.parameters(), lr=0.1, momentum=0.9)

    def step(x, y):
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(ddp(x), y)
        loss.backward()
        opt.step()
        return loss

    step(X[0, r], Y[0, r])
    compiled = torch.compile(step)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for i in (1, 2):
            compiled(X[i, r], Y[i, r])
    assert any("runs eagerly" in str(c.message) for c in caught), [str(c.message) for c in caught]

    # One process, both ranks' batches at once: the mean loss over them has the averaged gradient.
    ref = make()
    ropt = torch.optim.SGD(ref.parameters(), lr=0.1, momentum=0.9)
    for i in range(3):
        ropt.zero_grad()
        torch.nn.functional.mse_loss(ref(X[i].reshape(8, 3)), Y[i].reshape(8, 2)).backward()
        ropt.step()
    for (name, p), q in zip(ddp.named_parameters(), ref.parameters()):
        np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=1e-5, atol=1e-6, err_msg=name)
        both = [torch.zeros_like(p) for _ in range(2)]
        dist.all_gather(both, p.detach())
        eq(both[0], both[1].numpy())  # bitwise the same on both ranks

    # no_sync: the first backward stays local, the next one averages the accumulated gradients.
    for m in (ddp, ref):
        m.zero_grad()
    with ddp.no_sync():
        torch.nn.functional.mse_loss(ddp(X[0, r]), Y[0, r]).backward()
    torch.nn.functional.mse_loss(ddp(X[1, r]), Y[1, r]).backward()
    for i in (0, 1):
        torch.nn.functional.mse_loss(ref(X[i].reshape(8, 3)), Y[i].reshape(8, 2)).backward()
    for p, q in zip(ddp.parameters(), ref.parameters()):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-5, atol=1e-6)
    dist.destroy_process_group()
    assert not dist.is_initialized()
    print("rank", r, "ok")
    """
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_two_processes_collectives_and_ddp():
    port = _free_port()
    procs = []
    for rank in range(2):
        env = dict(os.environ, MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port), RANK=str(rank), WORLD_SIZE="2")
        env["JAX_PLATFORMS"] = "cpu"
        env.pop("XLA_FLAGS", None)
        procs.append(
            subprocess.Popen(
                [sys.executable, "-c", _SCRIPT], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
        )
    outs = []
    try:
        for p in procs:
            outs.append(p.communicate(timeout=240))
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.communicate()
    for rank, (p, (out, err)) in enumerate(zip(procs, outs)):
        assert p.returncode == 0, f"rank {rank} exited {p.returncode}:\n{err[-3000:]}"
        assert f"rank {rank} ok" in out
