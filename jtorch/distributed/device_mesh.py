"""torch.distributed.device_mesh over ``jax.sharding.Mesh``.

A ``DeviceMesh`` wraps a JAX mesh (``.jax_mesh``) and the mesh axes it spans; slicing it by name
(``mesh["dp"]``) gives a DeviceMesh over that axis of the same JAX mesh, so shardings built from
either agree. Difference from PyTorch: torch's mesh entries are process ranks and its size must
equal the world size; here the entries are JAX devices (``.mesh`` holds their indices in
``jax.devices()``) and the size must equal the number of devices of that type in the job (one
process can drive several devices).
"""

from __future__ import annotations

import math

import jax
import numpy as np
from jax.sharding import AxisType, Mesh

__all__ = ["DeviceMesh", "init_device_mesh"]


def _devices(device_type: str) -> list:
    platform = {"cuda": "gpu", "gpu": "gpu", "cpu": "cpu", "tpu": "tpu"}.get(device_type)
    if platform is None:  # "xla" and others: the default backend
        return jax.devices()
    try:
        return jax.devices(platform)
    except RuntimeError as e:
        raise RuntimeError(f"init_device_mesh: no {device_type} devices are available to JAX") from e


class DeviceMesh:
    """A view of ``jax_mesh`` over the axes ``dims`` (all of them unless sliced)."""

    def __init__(self, device_type: str, jax_mesh: Mesh, *, mesh_dim_names: tuple[str, ...] | None = None, _dims=None):
        self.device_type = device_type
        self.jax_mesh = jax_mesh
        self._dims = tuple(_dims if _dims is not None else jax_mesh.axis_names)
        self.mesh_dim_names = mesh_dim_names

    @property
    def mesh(self):
        """Indices into ``jax.devices()`` of the devices, shaped like the mesh (over this view's axes)."""
        from jtorch import tensor

        index = {d: i for i, d in enumerate(jax.devices())}
        ids = np.vectorize(lambda d: index[d])(self.jax_mesh.devices)
        names = list(self.jax_mesh.axis_names)
        for ax in reversed(range(len(names))):
            if names[ax] not in self._dims:  # a sliced mesh: the slice holding this process's first device
                here = np.argwhere(self.jax_mesh.devices == jax.local_devices()[0])[0]
                ids = np.take(ids, here[ax], axis=ax)
        return tensor(ids.tolist())

    @property
    def ndim(self) -> int:
        return len(self._dims)

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.jax_mesh.shape[d] for d in self._dims)

    def size(self, mesh_dim: int | None = None) -> int:
        return math.prod(self.shape) if mesh_dim is None else self.shape[mesh_dim]

    def get_rank(self) -> int:
        """This process's rank (as ``torch.distributed.get_rank()``)."""
        return jax.process_index()

    def get_coordinate(self) -> list[int]:
        """Where this process's first local device sits in the mesh (one index per mesh dim)."""
        here = np.argwhere(self.jax_mesh.devices == jax.local_devices()[0])[0]
        names = list(self.jax_mesh.axis_names)
        return [int(here[names.index(d)]) for d in self._dims]

    def get_local_rank(self, mesh_dim: int | str | None = None) -> int:
        if mesh_dim is None:
            if self.ndim > 1:
                raise RuntimeError(f"Found the DeviceMesh have {self.ndim} dimensions")
            mesh_dim = 0
        if isinstance(mesh_dim, str):
            mesh_dim = self.mesh_dim_names.index(mesh_dim)
        return self.get_coordinate()[mesh_dim]

    def get_group(self, mesh_dim: int | str | None = None):
        """The process group along ``mesh_dim``: the world group, when it spans every process."""
        from jtorch.distributed import distributed_c10d as c10d

        pg = c10d._default_group()
        if pg.size() > 1 and self.ndim > 1:
            raise NotImplementedError(
                "DeviceMesh.get_group: per-dimension subgroups across processes are not supported"
            )
        return pg

    def __getitem__(self, names) -> DeviceMesh:
        if self.mesh_dim_names is None:
            raise RuntimeError("Cannot slice a DeviceMesh without mesh_dim_names!")
        names = (names,) if isinstance(names, str) else tuple(names)
        for n in names:
            if n not in self.mesh_dim_names:
                raise KeyError(
                    f"Invalid mesh_dim_names {names} specified. Valid mesh_dim_names are {self.mesh_dim_names}."
                )
        dims = tuple(self._dims[self.mesh_dim_names.index(n)] for n in names)
        return DeviceMesh(self.device_type, self.jax_mesh, mesh_dim_names=names, _dims=dims)

    def __repr__(self) -> str:
        names = f", mesh_dim_names={self.mesh_dim_names}" if self.mesh_dim_names else ""
        return f"DeviceMesh('{self.device_type}', {self.mesh.tolist()}{names})"

    def __eq__(self, other) -> bool:
        return isinstance(other, DeviceMesh) and (self.jax_mesh, self._dims) == (other.jax_mesh, other._dims)

    def __hash__(self) -> int:
        return hash((self.jax_mesh, self._dims))


def init_device_mesh(
    device_type: str,
    mesh_shape: tuple[int, ...],
    *,
    mesh_dim_names: tuple[str, ...] | None = None,
    backend_override=None,
) -> DeviceMesh:
    """A DeviceMesh of ``mesh_shape`` over every ``device_type`` device of the job (``jax.make_mesh``,
    which orders devices by the hardware topology)."""
    mesh_shape = tuple(mesh_shape)
    if mesh_dim_names is not None:
        mesh_dim_names = tuple(mesh_dim_names)
        if len(set(mesh_dim_names)) != len(mesh_dim_names):
            raise RuntimeError(
                f"Each mesh_dim_name must be unique. Found repeated mesh_dim_name in mesh_dim_names {mesh_dim_names}"
            )
        if len(mesh_shape) != len(mesh_dim_names):
            raise RuntimeError(
                "mesh_shape and mesh_dim_names should have same length! "
                f"Found len(mesh_dim_names): {len(mesh_dim_names)} and len(mesh_shape):{len(mesh_shape)}."
            )
    if device_type and not device_type.isalpha():
        raise RuntimeError(
            f"Device type with index is not supported but got {device_type}. ",
            "If you maintained a 'torch.device' object, it's recommended to pass in 'device.type'.",
        )
    if backend_override is not None:
        raise NotImplementedError("init_device_mesh: backend_override is not supported (JAX picks the collectives)")
    devices = _devices(device_type)
    if math.prod(mesh_shape) != len(devices):
        raise RuntimeError(
            f"init_device_mesh: mesh_shape {mesh_shape} has {math.prod(mesh_shape)} devices, but the job has {len(devices)} {device_type} devices"
        )
    axis_names = mesh_dim_names or tuple(f"mesh_dim_{i}" for i in range(len(mesh_shape)))
    jmesh = jax.make_mesh(mesh_shape, axis_names, axis_types=(AxisType.Auto,) * len(mesh_shape), devices=devices)
    return DeviceMesh(device_type, jmesh, mesh_dim_names=mesh_dim_names)
