"""torch.distributed's process group and collectives over ``jax.distributed`` and JAX collectives.

A rank is a JAX process (``jax.process_index()``), the world size is ``jax.process_count()``.
``init_process_group`` with a world size above one calls ``jax.distributed.initialize`` with the
coordinator at ``MASTER_ADDR:MASTER_PORT`` (``env://``, torch's default) or ``tcp://host:port``;
on CPU the cross-process collectives run over gloo, JAX's default CPU implementation. A world of
one process needs no coordinator (every device of the machine stays usable through
``jax.sharding``: see ``jtorch.nn.parallel``).

A collective stacks each process's tensor into one global array with a leading process axis over
a mesh of one device per process (``jax.make_array_from_single_device_arrays``), runs one jitted
reduction whose output is replicated, so XLA emits the all-reduce / all-gather between processes,
and writes the local copy of the result into the tensor in place, as torch does. Collectives run
synchronously; ``async_op=True`` returns a completed ``Work``.

Differences from PyTorch: the ``group`` argument accepts only the default (world) group;
``store=`` and ``file://`` rendezvous are not supported; a collective on a traced tensor (inside
``jtorch.compile``) with more than one process raises NotImplementedError, so the compiled step
falls back to eager execution; every rank's tensor must have the same shape (``all_gather``,
``gather``, ``all_to_all``) and ``all_to_all_single`` takes even splits only; point-to-point
``send``/``recv`` are not provided.
"""

from __future__ import annotations

import enum
import functools
import os
import warnings
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import Mesh, NamedSharding
from jax.sharding import PartitionSpec as P

from jtorch._tensor import Tensor

__all__ = [
    "Backend", "GroupMember", "ProcessGroup", "ReduceOp", "Work", "all_gather", "all_gather_into_tensor",
    "all_gather_object", "all_gather_single", "all_reduce", "all_to_all", "all_to_all_single", "barrier", "broadcast",
    "broadcast_object_list", "destroy_process_group", "gather", "get_backend", "get_process_group_ranks", "get_rank",
    "get_world_size", "group", "init_process_group", "is_available", "is_gloo_available", "is_initialized",
    "is_mpi_available", "is_nccl_available", "is_torchelastic_launched", "new_group", "reduce", "reduce_scatter",
    "reduce_scatter_single", "reduce_scatter_tensor", "scatter",
]  # fmt: skip

_NOT_INIT = "Default process group has not been initialized, please make sure to call init_process_group."


class Backend(str):
    """torch.distributed.Backend: lower-case backend names. Every name maps to JAX's collectives
    (NCCL on GPU, gloo on CPU, ICI/DCN on TPU), chosen by JAX from the platform."""

    UNDEFINED = "undefined"
    GLOO = "gloo"
    NCCL = "nccl"
    UCC = "ucc"
    MPI = "mpi"
    XCCL = "xccl"
    FAKE = "fake"
    XLA = "xla"

    def __new__(cls, name: str):
        if not isinstance(name, str):
            raise ValueError("Backend constructor parameter must be string-ish")
        value = getattr(Backend, name.upper(), Backend.UNDEFINED)
        if value == Backend.UNDEFINED:
            value = name.lower()
        return value


class ReduceOp:
    """torch.distributed.ReduceOp: ``ReduceOp.SUM`` etc. are members of ``ReduceOp.RedOpType``."""

    class RedOpType(enum.Enum):
        SUM = 0
        AVG = 1
        PRODUCT = 2
        MIN = 3
        MAX = 4
        BAND = 5
        BOR = 6
        BXOR = 7
        PREMUL_SUM = 8
        UNUSED = 9

        def __repr__(self) -> str:
            return f"<RedOpType.{self.name}: {self.value}>"

        def __str__(self) -> str:
            return f"RedOpType.{self.name}"


for _op in ReduceOp.RedOpType:
    setattr(ReduceOp, _op.name, _op)
del _op


class Work:
    """What ``async_op=True`` returns. jtorch's collectives have completed when they return."""

    def wait(self, timeout: timedelta | None = None) -> bool:
        return True

    def is_completed(self) -> bool:
        return True

    def is_success(self) -> bool:
        return True

    def exception(self):
        return None


class ProcessGroup:
    """A group of ranks (JAX processes). Only the world group exists (see ``new_group``)."""

    def __init__(self, rank: int, size: int, backend: str):
        self._rank, self._size, self._backend = rank, size, backend

    def rank(self) -> int:
        return self._rank

    def size(self) -> int:
        return self._size

    def name(self) -> str:
        return self._backend

    def __repr__(self) -> str:
        return f"ProcessGroup(rank={self._rank}, size={self._size}, backend={self._backend!r})"


class GroupMember:
    WORLD: ProcessGroup | None = None
    NON_GROUP_MEMBER = -100


class group:  # noqa: N801 - torch's name
    WORLD: ProcessGroup | None = None


class _World:
    backend: str | None = None
    started_jax: bool = False  # we called jax.distributed.initialize (and shut it down at destroy)


def is_available() -> bool:
    return True


def is_nccl_available() -> bool:
    """NCCL collectives are available when JAX runs on CUDA GPUs (it uses NCCL itself)."""
    from jtorch._device import gpus

    return bool(gpus())


def is_gloo_available() -> bool:
    return True  # JAX's CPU collectives run over gloo


def is_mpi_available() -> bool:
    return False


def is_torchelastic_launched() -> bool:
    return os.getenv("TORCHELASTIC_RUN_ID") is not None


def is_initialized() -> bool:
    return GroupMember.WORLD is not None


def _default_group() -> ProcessGroup:
    if GroupMember.WORLD is None:
        raise ValueError(_NOT_INIT)
    return GroupMember.WORLD


def _resolve(grp) -> ProcessGroup:
    pg = _default_group()
    if grp is not None and grp is not pg:
        raise NotImplementedError(
            "jtorch.distributed: collectives on a subgroup (new_group with ranks) are not supported"
        )
    return pg


def _rendezvous(init_method: str, rank: int, world_size: int) -> tuple[str | None, int, int]:
    """(coordinator 'host:port' or None, rank, world size) from torch's env:// or tcp:// URL."""
    url = urlparse(init_method)
    query = {k: v[-1] for k, v in parse_qs(url.query).items()}
    if url.scheme == "env":

        def env(var):
            val = os.environ.get(var)
            if not val:
                raise ValueError(
                    f"Error initializing torch.distributed using env:// rendezvous: environment variable {var} expected, but not set"
                )
            return val

        rank = int(query["rank"]) if "rank" in query else rank if rank >= 0 else int(env("RANK"))
        world_size = (
            int(query["world_size"])
            if "world_size" in query
            else world_size
            if world_size > 0
            else int(env("WORLD_SIZE"))
        )
        if world_size == 1:
            return None, rank, world_size
        return f"{env('MASTER_ADDR')}:{int(env('MASTER_PORT'))}", rank, world_size
    if url.scheme == "tcp":
        if url.port is None:
            raise ValueError("Error initializing torch.distributed using tcp:// rendezvous: port number missing")
        rank = int(query.get("rank", rank))
        world_size = int(query.get("world_size", world_size))
        if rank < 0:
            raise ValueError("Error initializing torch.distributed using tcp:// rendezvous: rank parameter missing")
        if world_size < 1:
            raise ValueError(
                "Error initializing torch.distributed using tcp:// rendezvous: world size parameter missing"
            )
        return f"{url.hostname}:{url.port}", rank, world_size
    raise NotImplementedError(f"jtorch.distributed: {url.scheme}:// rendezvous is not supported (use env:// or tcp://)")


def init_process_group(
    backend: str | None = None,
    init_method: str | None = None,
    timeout: timedelta | None = None,
    world_size: int = -1,
    rank: int = -1,
    store=None,
    group_name: str = "",
    pg_options=None,
    device_id=None,
) -> None:
    """Join the job: ``jax.distributed.initialize`` with torch's rendezvous (see the module docstring)."""
    if GroupMember.WORLD is not None:
        raise ValueError("trying to initialize the default process group twice!")
    if store is not None and init_method is not None:
        raise AssertionError("Cannot specify both init_method and store.")
    if store is not None:
        raise NotImplementedError(
            "jtorch.distributed: store= is not supported; use init_method='tcp://host:port' or env://"
        )
    backend = Backend(backend) if backend is not None else None
    from jax._src import distributed as jax_dist  # the client tells whether jax.distributed is already up

    already = jax_dist.global_state.client is not None
    env_given = any(k in os.environ for k in ("RANK", "WORLD_SIZE")) or init_method not in (None, "env://")
    if already or (backend == Backend.XLA and not env_given and world_size < 0 and rank < 0):
        # jax.distributed is (or will be) set up by JAX's own cluster detection (TPU pods, SLURM).
        if not already:
            jax.distributed.initialize()
        rank, world_size = jax.process_index(), jax.process_count()
    else:
        coordinator, rank, world_size = _rendezvous(init_method or "env://", rank, world_size)
        if coordinator is not None:
            kwargs = {}
            if timeout is not None:
                kwargs["initialization_timeout"] = max(1, int(timeout.total_seconds()))
            local_ws = int(os.environ.get("LOCAL_WORLD_SIZE", "1"))
            if device_id is not None or local_ws > 1:
                # One process per GPU (torchrun): this process sees only its own accelerator.
                idx = device_id if isinstance(device_id, int) else getattr(device_id, "index", None)
                kwargs["local_device_ids"] = [int(os.environ.get("LOCAL_RANK", 0)) if idx is None else idx]
            jax.distributed.initialize(coordinator, num_processes=world_size, process_id=rank, **kwargs)
            _World.started_jax = True
        if not 0 <= rank < world_size:
            raise ValueError(f"Invalid rank {rank} for world size {world_size}")
    _World.backend = backend or (Backend.NCCL if is_nccl_available() else Backend.GLOO)
    GroupMember.WORLD = group.WORLD = ProcessGroup(rank, world_size, _World.backend)


def destroy_process_group(group: ProcessGroup | None = None) -> None:
    if GroupMember.WORLD is None:
        raise AssertionError("Process group cannot be None")
    if group is not None and group is not GroupMember.WORLD:
        return
    if _World.started_jax:
        jax.distributed.shutdown()
        _World.started_jax = False
    _process_mesh.cache_clear()
    GroupMember.WORLD = globals()["group"].WORLD = None
    _World.backend = None


def get_rank(group: ProcessGroup | None = None) -> int:
    return _resolve(group).rank()


def get_world_size(group: ProcessGroup | None = None) -> int:
    return _resolve(group).size()


def get_backend(group: ProcessGroup | None = None) -> str:
    _resolve(group)
    return _World.backend


def get_process_group_ranks(group: ProcessGroup | None) -> list[int]:
    return list(range(_resolve(group).size()))


def new_group(
    ranks=None,
    timeout=None,
    backend=None,
    pg_options=None,
    use_local_synchronization=False,
    group_desc=None,
    device_id=None,
):
    """The world group again when ``ranks`` covers every rank; subgroups raise NotImplementedError."""
    pg = _default_group()
    if ranks is not None and sorted(ranks) != list(range(pg.size())):
        raise NotImplementedError("jtorch.distributed.new_group: subgroups of the world are not supported")
    return pg


def barrier(group: ProcessGroup | None = None, async_op: bool = False, device_ids=None):
    pg = _resolve(group)
    if pg.size() > 1:
        from jax.experimental import multihost_utils

        multihost_utils.sync_global_devices("jtorch.distributed.barrier")
    return Work() if async_op else None


# --- collectives ------------------------------------------------------------------------------------


def _type_repr(obj) -> str:
    """``type(obj)`` as torch prints it (jtorch's Tensor reads as torch.Tensor)."""
    return "<class 'torch.Tensor'>" if type(obj) is Tensor else str(type(obj))


def _check_single_tensor(param, param_name: str) -> None:
    if not isinstance(param, Tensor):
        raise TypeError(
            f"""Invalid function argument. Expected parameter `{param_name}` of type torch.Tensor
             but got {_type_repr(param)} instead."""
        )


def _check_tensor_list(param, param_name: str) -> None:
    if not isinstance(param, list):
        raise TypeError(
            f"""Invalid function argument. Expected parameter `{param_name}` of type List[torch.Tensor]
             but got {_type_repr(param)} instead."""
        )
    if not all(isinstance(p, Tensor) for p in param):
        raise TypeError(
            f"""Invalid function argument. Expected parameter `{param_name}` of type List[torch.Tensor]
             but got {_type_repr(param)} with elements of type [{", ".join(_type_repr(p) for p in param)}]."""
        )


@functools.cache
def _process_mesh() -> Mesh:
    """One device per process (each process's first local device), on a 'rank' axis."""
    firsts: dict[int, jax.Device] = {}
    for d in jax.devices():
        if d.process_index not in firsts or d.id < firsts[d.process_index].id:
            firsts[d.process_index] = d
    return Mesh(np.array([firsts[i] for i in sorted(firsts)]), ("rank",))


def _stack_ranks(arr, world: int):
    """``(world, *arr.shape)``: row r is rank r's ``arr``, as one global array over the process mesh."""
    if world == 1:
        return arr[None]
    if isinstance(arr, jax.core.Tracer):
        raise NotImplementedError(
            "jtorch.distributed: a collective across processes on a traced tensor (inside jtorch.compile) is not "
            "supported; it runs eagerly"
        )
    mesh = _process_mesh()
    local = jax.device_put(arr[None], mesh.local_devices[0])
    return jax.make_array_from_single_device_arrays((world, *arr.shape), NamedSharding(mesh, P("rank")), [local])


def _local(result, like, world: int):
    """This process's copy of a replicated global result, placed like ``like``."""
    if world == 1:
        return result
    local = result.addressable_data(0)
    sharding = getattr(like, "sharding", None)
    return jax.device_put(local, sharding) if sharding is not None else local


def _reduce_rows(x, *, op: str, out_sharding=None):
    n = x.shape[0]
    if op == "SUM":
        r = jnp.sum(x, axis=0, dtype=x.dtype)
    elif op == "AVG":
        r = jnp.sum(x, axis=0, dtype=x.dtype) / n
    elif op == "PRODUCT":
        r = jnp.prod(x, axis=0, dtype=x.dtype)
    elif op == "MIN":
        r = jnp.min(x, axis=0)
    elif op == "MAX":
        r = jnp.max(x, axis=0)
    else:
        f = {"BAND": jnp.bitwise_and, "BOR": jnp.bitwise_or, "BXOR": jnp.bitwise_xor}[op]
        r = functools.reduce(f, [x[i] for i in range(n)])
    r = r.astype(x.dtype)
    return r if out_sharding is None else jax.lax.with_sharding_constraint(r, out_sharding)


def _replicate_rows(x, *, out_sharding=None):
    return x if out_sharding is None else jax.lax.with_sharding_constraint(x, out_sharding)


@functools.cache
def _jitted(fn, **statics):
    return jax.jit(functools.partial(fn, **statics))


def _run(fn, stacked, world: int, **statics):
    """Run row function ``fn`` on the stacked array; across processes its result is replicated."""
    if world > 1:
        statics["out_sharding"] = NamedSharding(_process_mesh(), P())
    return _jitted(fn, **statics)(stacked)


def _op_name(op) -> str:
    if isinstance(op, ReduceOp.RedOpType):
        name = op.name
    elif isinstance(op, str) and hasattr(ReduceOp.RedOpType, op.upper()):
        name = op.upper()
    else:
        raise ValueError(f"Invalid reduce op: {op}")
    if name in ("PREMUL_SUM", "UNUSED"):
        raise NotImplementedError(f"jtorch.distributed: ReduceOp.{name} is not supported")
    return name


def _all_reduce_array(arr, op: str, world: int):
    return _local(_run(_reduce_rows, _stack_ranks(arr, world), world, op=op), arr, world)


def _gather_array(arr, world: int):
    """``(world, *arr.shape)`` of every rank's value, local to this process."""
    return _local(_run(_replicate_rows, _stack_ranks(arr, world), world), None, world)


def all_reduce(tensor: Tensor, op=ReduceOp.SUM, group: ProcessGroup | None = None, async_op: bool = False):
    """Reduce ``tensor`` over all ranks in place (SUM, AVG, PRODUCT, MIN, MAX, BAND, BOR, BXOR)."""
    _check_single_tensor(tensor, "tensor")
    pg = _resolve(group)
    tensor._assign_array(_all_reduce_array(tensor._data, _op_name(op), pg.size()))
    return Work() if async_op else None


def reduce(
    tensor: Tensor,
    dst: int | None = None,
    op=ReduceOp.SUM,
    group: ProcessGroup | None = None,
    async_op: bool = False,
    group_dst: int | None = None,
):
    """Reduce into ``tensor`` on rank ``dst`` (other ranks keep their tensor)."""
    _check_single_tensor(tensor, "tensor")
    pg = _resolve(group)
    dst = group_dst if dst is None else dst
    dst = 0 if dst is None else dst
    result = _all_reduce_array(tensor._data, _op_name(op), pg.size())
    if pg.rank() == dst:
        tensor._assign_array(result)
    return Work() if async_op else None


def _check_root(src: int, pg: ProcessGroup, what: str) -> None:
    if not 0 <= src < pg.size():
        raise ValueError(f"Invalid {what} rank {src}: the world has {pg.size()} ranks")


def broadcast(
    tensor: Tensor,
    src: int | None = None,
    group: ProcessGroup | None = None,
    async_op: bool = False,
    group_src: int | None = None,
):
    """Overwrite ``tensor`` on every rank with rank ``src``'s value."""
    _check_single_tensor(tensor, "tensor")
    pg = _resolve(group)
    src = group_src if src is None else src
    _check_root(src, pg, "source")
    rows = _gather_array(tensor._data, pg.size())
    tensor._assign_array(_local_like(rows[src], tensor._data))
    return Work() if async_op else None


def _local_like(arr, like):
    sharding = getattr(like, "sharding", None)
    if sharding is not None and not isinstance(like, jax.core.Tracer) and arr.sharding != sharding:
        return jax.device_put(arr, sharding)
    return arr


def all_gather(tensor_list: list[Tensor], tensor: Tensor, group: ProcessGroup | None = None, async_op: bool = False):
    """``tensor_list[r]`` receives rank r's ``tensor`` (every rank's tensor has the same shape)."""
    _check_tensor_list(tensor_list, "tensor_list")
    _check_single_tensor(tensor, "tensor")
    pg = _resolve(group)
    if len(tensor_list) != pg.size():
        raise ValueError(f"all_gather: tensor_list has {len(tensor_list)} tensors, expected one per rank ({pg.size()})")
    for k, out in enumerate(tensor_list):
        if out.shape != tensor.shape:
            raise RuntimeError(
                f"all_gather: invalid tensor size at index {k} (expected {tuple(tensor.shape)}, got {tuple(out.shape)})"
            )
    rows = _gather_array(tensor._data, pg.size())
    for k, out in enumerate(tensor_list):
        out._assign_array(rows[k])
    return Work() if async_op else None


def all_gather_single(
    output_tensor: Tensor, input_tensor: Tensor, group: ProcessGroup | None = None, async_op: bool = False
):
    """Every rank's ``input_tensor`` concatenated (``(world*n, ...)``) or stacked (``(world, n, ...)``)."""
    _check_single_tensor(output_tensor, "output_tensor")
    _check_single_tensor(input_tensor, "input_tensor")
    pg = _resolve(group)
    if output_tensor.numel() != pg.size() * input_tensor.numel():
        raise ValueError(
            f"all_gather_single: output tensor size {tuple(output_tensor.shape)} must be world size ({pg.size()}) "
            f"times the input tensor size {tuple(input_tensor.shape)}"
        )
    rows = _gather_array(input_tensor._data, pg.size())
    output_tensor._assign_array(rows.reshape(output_tensor.shape))
    return Work() if async_op else None


def reduce_scatter(
    output: Tensor, input_list: list[Tensor], op=ReduceOp.SUM, group: ProcessGroup | None = None, async_op: bool = False
):
    """``output`` on rank r receives the reduction over ranks of their ``input_list[r]``."""
    _check_single_tensor(output, "output")
    _check_tensor_list(input_list, "input_list")
    pg = _resolve(group)
    if len(input_list) != pg.size():
        raise ValueError(
            f"reduce_scatter: input_list has {len(input_list)} tensors, expected one per rank ({pg.size()})"
        )
    for t in input_list:
        if t.shape != output.shape:
            raise ValueError(
                f"reduce_scatter: every input must have the output's shape {tuple(output.shape)}, got {tuple(t.shape)}"
            )
    stacked = jnp.stack([t._data for t in input_list])
    output._assign_array(_all_reduce_array(stacked, _op_name(op), pg.size())[pg.rank()])
    return Work() if async_op else None


def reduce_scatter_single(
    output: Tensor, input: Tensor, op=ReduceOp.SUM, group: ProcessGroup | None = None, async_op: bool = False
):
    """Rank r's ``output`` receives chunk r (along dim 0 or a stacked dim) of the reduction of ``input``."""
    _check_single_tensor(output, "output")
    _check_single_tensor(input, "input")
    pg = _resolve(group)
    if input.numel() != pg.size() * output.numel():
        raise ValueError(
            f"reduce_scatter_single: input tensor size {tuple(input.shape)} must be world size ({pg.size()}) times the "
            f"output tensor size {tuple(output.shape)}"
        )
    chunks = input._data.reshape((pg.size(), *output.shape))
    output._assign_array(_all_reduce_array(chunks, _op_name(op), pg.size())[pg.rank()])
    return Work() if async_op else None


def all_gather_into_tensor(
    output_tensor: Tensor, input_tensor: Tensor, group: ProcessGroup | None = None, async_op: bool = False
):
    """Deprecated in torch 2.13 for ``all_gather_single`` (same FutureWarning)."""
    warnings.warn(
        "`torch.distributed.all_gather_into_tensor` is deprecated. Please use `torch.distributed.all_gather_single` instead.",
        FutureWarning,
        stacklevel=2,
    )
    return all_gather_single(output_tensor, input_tensor, group, async_op)


def reduce_scatter_tensor(
    output: Tensor, input: Tensor, op=ReduceOp.SUM, group: ProcessGroup | None = None, async_op: bool = False
):
    """Deprecated in torch 2.13 for ``reduce_scatter_single`` (same FutureWarning)."""
    warnings.warn(
        "`torch.distributed.reduce_scatter_tensor` is deprecated. Please use `torch.distributed.reduce_scatter_single` instead.",
        FutureWarning,
        stacklevel=2,
    )
    return reduce_scatter_single(output, input, op, group, async_op)


def gather(
    tensor: Tensor,
    gather_list: list[Tensor] | None = None,
    dst: int | None = None,
    group: ProcessGroup | None = None,
    async_op: bool = False,
    group_dst: int | None = None,
):
    """On rank ``dst``, ``gather_list[r]`` receives rank r's ``tensor`` (same shape on every rank)."""
    _check_single_tensor(tensor, "tensor")
    if gather_list:
        _check_tensor_list(gather_list, "gather_list")
    pg = _resolve(group)
    dst = group_dst if dst is None else dst
    dst = 0 if dst is None else dst
    _check_root(dst, pg, "destination")
    if pg.rank() == dst and len(gather_list or ()) != pg.size():
        raise ValueError("Argument ``gather_list`` must be specified on destination rank.")
    if pg.rank() != dst and gather_list:
        raise ValueError("Argument ``gather_list`` must NOT be specified on non-destination ranks.")
    rows = _gather_array(tensor._data, pg.size())
    if pg.rank() == dst:
        for k, out in enumerate(gather_list):
            out._assign_array(rows[k])
    return Work() if async_op else None


def scatter(
    tensor: Tensor,
    scatter_list: list[Tensor] | None = None,
    src: int | None = None,
    group: ProcessGroup | None = None,
    async_op: bool = False,
    group_src: int | None = None,
):
    """Rank r's ``tensor`` receives ``scatter_list[r]`` of rank ``src``."""
    _check_single_tensor(tensor, "tensor")
    if scatter_list:
        _check_tensor_list(scatter_list, "scatter_list")
    pg = _resolve(group)
    src = group_src if src is None else src
    src = 0 if src is None else src
    _check_root(src, pg, "source")
    if pg.rank() == src:
        if not scatter_list:
            raise ValueError("Argument ``scatter_list`` must be specified on source rank.")
        stacked = jnp.stack([t._data.astype(tensor._data.dtype) for t in scatter_list])
    else:
        if scatter_list:
            raise ValueError("Argument ``scatter_list`` must NOT be specified on non-source ranks.")
        stacked = jnp.zeros((pg.size(), *tensor.shape), tensor._data.dtype)
    tensor._assign_array(_gather_array(stacked, pg.size())[src, pg.rank()])
    return Work() if async_op else None


def all_to_all_single(
    output: Tensor,
    input: Tensor,
    output_split_sizes=None,
    input_split_sizes=None,
    group: ProcessGroup | None = None,
    async_op: bool = False,
):
    """Rank r's ``output`` is the concatenation over ranks q of chunk r of q's ``input`` (equal splits only)."""
    _check_single_tensor(output, "output")
    _check_single_tensor(input, "input")
    pg = _resolve(group)
    w = pg.size()
    if output_split_sizes or input_split_sizes:
        raise NotImplementedError("jtorch.distributed.all_to_all_single: uneven split sizes are not supported")
    if input.shape[0] % w != 0 or output.shape != input.shape:
        raise ValueError(f"all_to_all_single: input and output must have the same shape, dim 0 divisible by {w}")
    chunks = input._data.reshape((w, input.shape[0] // w, *input.shape[1:]))
    rows = _gather_array(chunks, w)  # [sender, chunk, ...]
    output._assign_array(rows[:, pg.rank()].reshape(output.shape))
    return Work() if async_op else None


def all_to_all(output_tensor_list: list[Tensor], input_tensor_list: list[Tensor], group=None, async_op: bool = False):
    """``output_tensor_list[q]`` receives rank q's ``input_tensor_list[r]`` (equal shapes)."""
    _check_tensor_list(output_tensor_list, "output_tensor_list")
    _check_tensor_list(input_tensor_list, "input_tensor_list")
    pg = _resolve(group)
    w = pg.size()
    if len(input_tensor_list) != w or len(output_tensor_list) != w:
        raise ValueError(f"all_to_all: expected one input and one output tensor per rank ({w})")
    if len({tuple(t.shape) for t in [*input_tensor_list, *output_tensor_list]}) != 1:
        raise NotImplementedError("jtorch.distributed.all_to_all: tensors of different shapes are not supported")
    rows = _gather_array(jnp.stack([t._data for t in input_tensor_list]), w)
    for q, out in enumerate(output_tensor_list):
        out._assign_array(rows[q, pg.rank()])
    return Work() if async_op else None


# --- Python objects (pickled into byte tensors, as torch does) -----------------------------------------


def _gather_bytes(payload: bytes, world: int) -> list[bytes]:
    size = _gather_array(jnp.asarray([len(payload)], jnp.int64), world)
    longest = int(np.max(np.asarray(size)))
    buf = np.zeros(longest, np.uint8)
    buf[: len(payload)] = np.frombuffer(payload, np.uint8)
    rows = np.asarray(_gather_array(jnp.asarray(buf), world))
    return [rows[r, : int(size[r, 0])].tobytes() for r in range(world)]


def all_gather_object(object_list: list, obj, group: ProcessGroup | None = None) -> None:
    """``object_list[r]`` receives rank r's picklable ``obj``."""
    import pickle

    pg = _resolve(group)
    for r, data in enumerate(_gather_bytes(pickle.dumps(obj), pg.size())):
        object_list[r] = pickle.loads(data)  # noqa: S301 - objects come from the job's own ranks, as in torch


def broadcast_object_list(
    object_list: list,
    src: int | None = None,
    group: ProcessGroup | None = None,
    device=None,
    group_src: int | None = None,
) -> None:
    """Every rank's ``object_list`` becomes rank ``src``'s (picklable objects)."""
    import pickle

    pg = _resolve(group)
    src = group_src if src is None else (src or 0)
    _check_root(src, pg, "source")
    data = _gather_bytes(pickle.dumps(list(object_list)), pg.size())[src]
    object_list[:] = pickle.loads(data)  # noqa: S301 - as torch
