"""jtorch.Tensor: a mutable PyTorch-style tensor over an immutable ``jax.Array``.

Storage sharing: a view (``.data``, ``detach()``, ``view``, slicing, ``transpose``, ...) keeps a
reference to its root tensor and the chain of view ops that derive it. Reading a view recomputes
it when the root has changed (``_version``); writing through a view scatters into the root, so
``lin.weight.data.mul_(0.5)`` changes the layer as in PyTorch. Ops and their method, operator and
in-place forms are attached from ``jtorch._ops`` (one definition each).
"""

from __future__ import annotations

import weakref

import jax
import jax.numpy as jnp
import numpy as np

from jtorch import _dtype
from jtorch._ops import dispatch
from jtorch.autograd import grad_mode
from jtorch.autograd.graph import AccumulateGrad

_NONLEAF_GRAD_WARNING = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute won't be "
    "populated during autograd.backward(). If you indeed want the .grad field to be populated for a non-leaf Tensor, "
    "use .retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor by mistake, make sure you access "
    "the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 for more information."
)


class Tensor:
    """A PyTorch tensor over a JAX array (see the module docstring for views and storage)."""

    # Class-level defaults keep construction to a single attribute write on the hot path.
    _arr = None
    _base = None  # root tensor of a view
    _view_chain = ()  # ((fn, statics), ...) deriving this view from its root
    _view_grad = True  # False for .data / detach(): writes and reads bypass autograd
    _view_version = -1
    _version = 0
    _node = None
    _out_nr = 0
    _requires_grad = False
    _accumulator = None
    _grad = None
    _retains_grad = False
    _is_param = False
    _inference = False  # created under inference_mode (torch's inference tensors)

    __array_priority__ = 1000

    def __new__(cls, *args, **kwargs):
        return super().__new__(cls)

    def __init__(self, *args, **kwargs):
        # torch.Tensor(2, 3) / torch.Tensor([1, 2]) legacy constructors build default-dtype tensors.
        from jtorch._ops.creation import legacy_construct

        self._arr = legacy_construct(_dtype.get_default_dtype(), args, kwargs.get("device"), typed=False)._data

    @classmethod
    def _wrap(cls, arr) -> Tensor:
        t = object.__new__(Tensor)
        t._arr = arr
        if grad_mode._state.__dict__.get("inference"):
            t._inference = True
        return t

    # --- storage ------------------------------------------------------------------------------
    @property
    def _data(self):
        """The current jax array (recomputed for a view whose root changed)."""
        base = self._base
        if base is not None and self._view_version != base._version:
            self._refresh_view()
        return self._arr

    def _refresh_view(self):
        base = self._base
        if self._view_grad and base.requires_grad and grad_mode.is_grad_enabled():
            t = base
            for fn, statics in self._view_chain:
                t = dispatch.apply(fn.__name__, fn, [t], statics)
            self._arr, self._node, self._out_nr = t._arr, t._node, t._out_nr
        else:
            arr = base._data
            for fn, statics in self._view_chain:
                arr = dispatch.forward_fn(fn, statics)(arr)
            self._arr = arr
        self._view_version = base._version

    def _make_view(self, name, fn, statics=()) -> Tensor:
        """Apply view op ``fn`` (recorded as ``name``) and return a tensor that shares storage with self."""
        out = dispatch.apply(name, fn, [self], statics)
        root = self._base if self._base is not None else self
        out._base = root
        out._view_chain = self._view_chain + ((fn, statics),)
        out._view_grad = self._view_grad
        out._view_version = root._version
        if out._inference is not self._inference:  # a view of a normal tensor is normal, even in inference_mode
            out._inference = self._inference
        if "_multi_view" in self.__dict__:  # views of split/unbind pieces inherit torch's in-place ban
            out._multi_view = (name.removesuffix("Backward0"), 0)
        return out

    def _alias(self, track_grad: bool) -> Tensor:
        """A view of the whole tensor (``.data``, ``detach()``): same storage, no autograd history."""
        root = self._base if self._base is not None else self
        out = Tensor._wrap(self._data)
        out._base = root
        out._view_chain = self._view_chain
        out._view_grad = track_grad
        out._view_version = root._version
        if out._inference is not self._inference:
            out._inference = self._inference
        return out

    def _assign_array(self, arr) -> None:
        """Overwrite the values (no autograd), through to the root when self is a view."""
        if arr.dtype != self._arr.dtype:
            arr = arr.astype(self._arr.dtype)
        if arr.shape != self.shape:
            arr = jnp.broadcast_to(arr, self.shape)
        root = self._base
        if root is None:
            self._arr = arr
            self._version += 1
            return
        if self._view_chain:
            arr = dispatch.forward_fn(_scatter_into, ())(root._data, arr, self._view_index())
        root._arr = arr
        root._version += 1

    def _view_index(self):
        idx = getattr(self, "_view_index_cache", None)
        if idx is None:
            root = self._base
            with jax.ensure_compile_time_eval():
                idx = jnp.arange(root.numel(), dtype=jnp.int64).reshape(root.shape)
                for fn, statics in self._view_chain:
                    idx = dispatch.forward_fn(fn, statics)(idx)
            self._view_index_cache = idx
        return idx

    def _write(self, src: Tensor) -> Tensor:
        """In-place update of self with ``src`` (same shape, castable dtype), recording autograd."""
        if self._inference and not grad_mode.is_inference_mode_enabled():
            raise RuntimeError(
                "Inplace update to inference tensor outside InferenceMode is not allowed.You can make a clone to get a "
                "normal tensor before doing inplace update.See https://github.com/pytorch/rfcs/pull/17 for more details."
            )
        if src.dtype is not self.dtype:
            src = src.to(self.dtype)
        record = src.requires_grad and grad_mode.is_grad_enabled()
        root = self._base
        if root is None:
            self._arr = src._data
            self._version += 1
            # Under no_grad torch keeps a non-leaf's history through an in-place write.
            if record or (self._node is not None and grad_mode.is_grad_enabled()):
                self._node, self._out_nr = src._node, src._out_nr
            return self
        if not self._view_grad or not (record or root.requires_grad) or not grad_mode.is_grad_enabled():
            self._assign_array(src._data)
            return self
        multi = self.__dict__.get("_multi_view")  # (op name, output nr) set by split/chunk/unbind
        if multi is not None:
            raise RuntimeError(
                f"Output {multi[1]} of {multi[0]} is a view and is being modified inplace. This view is the output of a "
                "function that returns multiple views. Such functions do not allow the output views to be modified "
                "inplace. You should replace the inplace operation by an out-of-place one."
            )
        if root.is_leaf and root.requires_grad:
            raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place operation.")
        if self._view_chain:
            new_root = dispatch.apply("CopySlices", _scatter_into, [root, src, Tensor._wrap(self._view_index())])
        else:
            new_root = src
        root._arr, root._node, root._out_nr = new_root._data, new_root._node, new_root._out_nr
        root._version += 1
        return self

    def _inplace(self, result: Tensor) -> Tensor:
        """Common checks and write for every ``op_`` form."""
        if grad_mode.is_grad_enabled() and self._requires_grad and self._node is None and self._base is None:
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
        if not _dtype.can_cast(result.dtype, self.dtype):
            raise RuntimeError(
                f"result type {_dtype.type_name(result.dtype)} can't be cast to the desired output type {_dtype.type_name(self.dtype)}"
            )
        if result.shape != self.shape:
            if jnp.broadcast_shapes(result.shape, self.shape) != self.shape:
                raise RuntimeError(
                    f"output with shape {list(self.shape)} doesn't match the broadcast shape {list(jnp.broadcast_shapes(result.shape, self.shape))}"
                )
            result = result.expand(self.shape)
        return self._write(result)

    # --- basic properties -----------------------------------------------------------------------
    @property
    def shape(self):
        from jtorch._size import Size

        return Size(self._data.shape)

    def size(self, dim: int | None = None):
        if dim is None:
            return self.shape
        return self._data.shape[_wrap_dim(dim, self.ndim)]

    @property
    def dtype(self) -> _dtype.dtype:
        return _dtype._BY_NP[self._data.dtype]

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def dim(self) -> int:
        return self._data.ndim

    ndimension = dim

    def numel(self) -> int:
        return int(np.prod(self._data.shape, dtype=np.int64))

    nelement = numel

    def element_size(self) -> int:
        return self.dtype.itemsize

    @property
    def itemsize(self) -> int:
        return self.dtype.itemsize

    @property
    def nbytes(self) -> int:
        return self.numel() * self.dtype.itemsize

    def is_floating_point(self) -> bool:
        return self.dtype.is_floating_point

    def is_complex(self) -> bool:
        return self.dtype.is_complex

    @property
    def is_cuda(self) -> bool:
        return self.device.type == "cuda"

    @property
    def is_cpu(self) -> bool:
        return self.device.type == "cpu"

    @property
    def is_sparse(self) -> bool:
        return False

    @property
    def is_quantized(self) -> bool:
        return False

    @property
    def is_meta(self) -> bool:
        return False

    @property
    def layout(self):
        from jtorch import strided

        return strided

    def is_contiguous(self, memory_format=None) -> bool:
        return True

    def contiguous(self, memory_format=None) -> Tensor:
        return self

    def stride(self, dim: int | None = None):
        shape = self._data.shape
        strides, acc = [], 1
        for s in reversed(shape):
            strides.append(acc)
            acc *= max(s, 1)
        strides = tuple(reversed(strides))
        return strides if dim is None else strides[_wrap_dim(dim, len(shape))]

    def data_ptr(self) -> int:
        return id(self._base if self._base is not None else self)

    def untyped_storage(self):
        raise NotImplementedError("Tensor.untyped_storage: jtorch tensors have no byte-addressable storage")

    @property
    def device(self):
        from jtorch._device import device_of

        return device_of(self._data)

    def get_device(self) -> int:
        d = self.device
        return -1 if d.type == "cpu" else (d.index or 0)

    # --- autograd -------------------------------------------------------------------------------
    @property
    def requires_grad(self) -> bool:
        if self._base is not None and self._view_version != self._base._version:
            self._refresh_view()
        return self._requires_grad or self._node is not None

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        if value and self._node is None and not (self.dtype.is_floating_point or self.dtype.is_complex):
            raise RuntimeError(
                "only Tensors of floating point and complex dtype can require gradients"
            )  # torch's setter text
        self.requires_grad_(value)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        if self._node is not None:
            if not requires_grad:
                raise RuntimeError(
                    "you can only change requires_grad flags of leaf variables. If you want to use a computed variable "
                    "in a subgraph that doesn't require differentiation use var_no_grad = var.detach()."
                )
            return self
        if requires_grad and not (self.dtype.is_floating_point or self.dtype.is_complex):
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        if requires_grad and self._inference and not grad_mode.is_inference_mode_enabled():
            raise RuntimeError("Setting requires_grad=True on inference tensor outside InferenceMode is not allowed.")
        self._requires_grad = bool(requires_grad)
        return self

    @property
    def grad(self):
        """The accumulated gradient; reading it on a non-leaf that does not retain grad warns, as in torch."""
        g = self._grad
        if g is None and self._node is not None and not self._retains_grad and not self.is_leaf:
            import warnings

            warnings.warn(_NONLEAF_GRAD_WARNING, UserWarning, stacklevel=2)
        return g

    @grad.setter
    def grad(self, value) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(
                    f"assigned grad expected to be a Tensor or None but got grad of type {type(value).__name__}"
                )
            if value.shape != self.shape:
                raise RuntimeError(
                    f"attempting to assign a gradient of size '{list(value.shape)}' to a tensor of size "
                    f"'{list(self.shape)}'. Please ensure that the gradient and the tensor are the same size"
                )
        self._grad = value

    @property
    def is_leaf(self) -> bool:
        return self._node is None or isinstance(self._node, AccumulateGrad)

    @property
    def grad_fn(self):
        if self._base is not None and self._view_version != self._base._version:
            self._refresh_view()
        node = self._node
        return None if isinstance(node, AccumulateGrad) else node

    @property
    def output_nr(self) -> int:
        return self._out_nr

    @property
    def _version_counter(self) -> int:
        return (self._base or self)._version

    def _grad_edge(self):
        if self._node is not None:
            return (self._node, self._out_nr)
        acc = self._accumulator
        if acc is None:
            acc = self._accumulator = AccumulateGrad(self)
        return (acc, 0)

    def retain_grad(self) -> None:
        if not self.requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.is_leaf:
            return
        node = self._node
        if node._retained is None:
            node._retained = {}
        node._retained[self._out_nr] = weakref.ref(self)
        self._retains_grad = True

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    def register_hook(self, hook):
        """hook(grad) -> Tensor or None, called with this tensor's gradient during backward."""
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        node, nr = self._grad_edge()
        return node._add_tensor_pre_hook(nr, hook)

    def register_post_accumulate_grad_hook(self, hook):
        if not self.is_leaf:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
        from jtorch.utils.hooks import RemovableHandle

        acc, _ = self._grad_edge()
        if acc._post_hooks is None:
            acc._post_hooks = {}
        handle = RemovableHandle(acc._post_hooks)
        acc._post_hooks[handle.id] = hook
        return handle

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None) -> None:
        from jtorch.autograd import backward

        backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def detach(self) -> Tensor:
        return self._alias(track_grad=False)

    def detach_(self) -> Tensor:
        self._node = None
        self._requires_grad = False
        return self

    @property
    def data(self) -> Tensor:
        return self._alias(track_grad=False)

    @data.setter
    def data(self, value: Tensor) -> None:
        value = value if isinstance(value, Tensor) else Tensor._wrap(jnp.asarray(value))
        self._arr = value._data
        self._version += 1

    # --- conversion -----------------------------------------------------------------------------
    def numpy(self, *, force: bool = False) -> np.ndarray:
        if self.requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        return np.asarray(self._data)

    def __array__(self, dtype=None, copy=None):
        a = np.asarray(self._data)
        return a.astype(dtype) if dtype is not None else a

    def __jax_array__(self):
        return self._data

    def item(self):
        if self.numel() != 1:
            raise RuntimeError(f"a Tensor with {self.numel()} elements cannot be converted to Scalar")
        return np.asarray(self._data).reshape(()).item()

    def tolist(self):
        return np.asarray(self._data).tolist()

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __bool__(self) -> bool:
        if self.numel() != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self.item())

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __complex__(self) -> complex:
        return complex(self.item())

    def __index__(self) -> int:
        if self.dtype.is_floating_point or self.dtype.is_complex or self.numel() != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __hash__(self) -> int:
        return id(self)

    def __repr__(self, *, tensor_contents=None) -> str:
        from jtorch._tensor_str import _str

        return _str(self, tensor_contents=tensor_contents)

    def __format__(self, spec: str) -> str:
        if self.ndim == 0:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    def __deepcopy__(self, memo):
        if not self.is_leaf:
            raise RuntimeError(
                "Only Tensors created explicitly by the user (graph leaves) support the deepcopy protocol at the moment.  "
                "If you were attempting to deepcopy a module, this may be because of a torch.nn.utils.weight_norm usage, "
                "see https://github.com/pytorch/pytorch/pull/103001"
            )
        new = type(self).__new__(type(self))
        new.__dict__.update(
            {
                k: v
                for k, v in self.__dict__.items()
                if k not in ("_base", "_view_chain", "_accumulator", "_node", "_view_index_cache")
            }
        )
        new._arr = self._data
        new._base = None
        new._view_chain = ()
        if self.grad is not None:
            new.grad = self.grad.clone()
        memo[id(self)] = new
        return new

    def __reduce_ex__(self, proto):
        return (_rebuild, (np.asarray(self._data), self._requires_grad))

    # --- devices and dtypes -----------------------------------------------------------------------
    def to(self, *args, **kwargs) -> Tensor:
        from jtorch._device import parse_to

        dev, dt, copy = parse_to(self, *args, **kwargs)
        out = self
        if dt is not None and dt is not self.dtype:
            out = dispatch.apply("ToCopyBackward0", _cast, [out], (("dtype", dt.np),))
        if dev is not None:
            from jtorch._device import put

            arr = put(out._data, dev)
            if arr is not out._data:
                moved = dispatch.apply("ToCopyBackward0", _identity, [out])
                moved._arr = arr
                out = moved
        if copy and out is self:
            out = self.clone()
        return out

    def cpu(self, memory_format=None) -> Tensor:
        return self.to("cpu")

    def cuda(self, device=None, non_blocking: bool = False, memory_format=None) -> Tensor:
        from jtorch._device import device as _device

        idx = device.index if isinstance(device, _device) else device
        return self.to(_device("cuda", 0 if idx is None else idx))

    def type(self, dtype=None, non_blocking: bool = False, **kwargs):
        if dtype is None:
            return _dtype.tensor_type_name(self.dtype)
        return self.to(_dtype.to_dtype(dtype))

    def type_as(self, other: Tensor) -> Tensor:
        return self.to(other.dtype)

    def float(self, memory_format=None) -> Tensor:
        return self.to(_dtype.float32)

    def double(self, memory_format=None) -> Tensor:
        return self.to(_dtype.float64)

    def half(self, memory_format=None) -> Tensor:
        return self.to(_dtype.float16)

    def bfloat16(self, memory_format=None) -> Tensor:
        return self.to(_dtype.bfloat16)

    def long(self, memory_format=None) -> Tensor:
        return self.to(_dtype.int64)

    def int(self, memory_format=None) -> Tensor:
        return self.to(_dtype.int32)

    def short(self, memory_format=None) -> Tensor:
        return self.to(_dtype.int16)

    def char(self, memory_format=None) -> Tensor:
        return self.to(_dtype.int8)

    def byte(self, memory_format=None) -> Tensor:
        return self.to(_dtype.uint8)

    def bool(self, memory_format=None) -> Tensor:
        return self.to(_dtype.bool)

    def cfloat(self, memory_format=None) -> Tensor:
        return self.to(_dtype.complex64)

    def cdouble(self, memory_format=None) -> Tensor:
        return self.to(_dtype.complex128)

    def pin_memory(self, device=None) -> Tensor:
        return self

    def is_pinned(self, device=None) -> bool:
        return False

    def share_memory_(self) -> Tensor:
        return self

    def is_shared(self) -> bool:
        return False


def _rebuild(arr, requires_grad):
    from jtorch._host import as_jax

    t = Tensor._wrap(as_jax(arr))
    t._requires_grad = requires_grad
    return t


def _cast(x, *, dtype):
    if jnp.issubdtype(x.dtype, jnp.complexfloating) and not jnp.issubdtype(dtype, jnp.complexfloating):
        x = jnp.real(x)
    return x.astype(dtype)


def _identity(x):
    return x


def _scatter_into(root, value, index):
    """Write ``value`` into the root at the flat positions ``index`` (the view's element map)."""
    flat = (
        root.reshape(-1).at[index.reshape(-1)].set(jnp.broadcast_to(value, index.shape).reshape(-1).astype(root.dtype))
    )
    return flat.reshape(root.shape)


def _wrap_dim(dim: int, ndim: int) -> int:
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim + n if dim < 0 else dim


def _flatten(t: Tensor):
    return (t._data,), (t._requires_grad,)


def _unflatten(aux, children):
    t = Tensor._wrap(children[0])
    t._requires_grad = aux[0]
    return t


jax.tree_util.register_pytree_node(Tensor, _flatten, _unflatten)
dispatch.Tensor = Tensor
