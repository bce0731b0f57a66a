"""add_graph for jtorch modules: a TensorBoard GraphDef built from the jaxpr of the forward.

torch draws the graph with its JIT tracer; jtorch traces the forward with JAX instead. Each
submodule's forward runs inside ``jax.named_scope(<scoped module name>)`` while tracing, so every
equation carries its module scope (``Net/fc1``) and TensorBoard groups nodes by module. Every jtorch
op is one jitted function, so the outer jaxpr has one equation per op, named after it.
"""

from __future__ import annotations

import jax
from jax.extend.core import Var
from tensorboardX.proto.attr_value_pb2 import AttrValue
from tensorboardX.proto.graph_pb2 import GraphDef
from tensorboardX.proto.node_def_pb2 import NodeDef
from tensorboardX.proto.tensor_shape_pb2 import TensorShapeProto
from tensorboardX.proto.versions_pb2 import VersionDef


def _shape_attr(avals):
    shapes = [TensorShapeProto(dim=[TensorShapeProto.Dim(size=int(d)) for d in a.shape]) for a in avals]
    return AttrValue(list=AttrValue.ListValue(shape=shapes))


def _node(name, op, inputs, avals, extra=None):
    attr = {"_output_shapes": _shape_attr(avals)}
    if extra:
        attr["attr"] = AttrValue(s=extra.encode())
    return NodeDef(name=name, op=op, input=inputs, attr=attr)


def graph(model, args, verbose: bool = False):
    """The GraphDef of ``model``'s forward on ``args``."""
    from jtorch import Tensor
    from jtorch.autograd.grad_mode import no_grad

    if args is None:
        args = ()
    if not isinstance(args, (tuple, list)):
        args = (args,)
    root = type(model).__name__
    named = list(model.named_parameters()) + list(model.named_buffers())
    tensors = [t for _, t in named]
    modules = list(model.named_modules())
    originals = {}

    def scoped(name, mod):
        fwd = mod.forward
        scope = root if not name else f"{root}/{name.replace('.', '/')}"

        def run(*a, **k):
            with jax.named_scope(scope.split("/")[-1]):
                return fwd(*a, **k)

        return run

    def fn(param_arrays, input_arrays):
        saved = [t._arr for t in tensors]
        for t, a in zip(tensors, param_arrays):
            t._arr = a
            t._version += 1
        try:
            with no_grad():
                ins = [Tensor._wrap(a) for a in input_arrays]
                with jax.named_scope(root):
                    out = model(*ins)
            outs = out if isinstance(out, (tuple, list)) else (out,)
            return [o._data for o in outs if isinstance(o, Tensor)]
        finally:
            for t, a in zip(tensors, saved):
                t._arr = a
                t._version += 1

    from jtorch.random import default_generator

    for name, mod in modules:
        if name:
            originals[mod] = mod.__dict__.get("forward")
            object.__setattr__(mod, "forward", scoped(name, mod))
    key = default_generator._get_key()  # a traced dropout would otherwise leave a tracer in the RNG
    try:
        closed = jax.make_jaxpr(fn)([t._data for t in tensors], [a._data for a in args])
    finally:
        default_generator._key = key
        for mod, fwd in originals.items():
            if fwd is None:
                object.__delattr__(mod, "forward")
            else:
                object.__setattr__(mod, "forward", fwd)

    jaxpr = closed.jaxpr
    names: dict = {}
    nodes = []
    n_params = len(tensors)
    for k, v in enumerate(jaxpr.invars):
        if k < n_params:
            name = f"{root}/{named[k][0].replace('.', '/')}"
            nodes.append(_node(name, "prim::GetAttr", [], [v.aval]))
        else:
            name = f"input/input.{k - n_params + 1}"
            nodes.append(_node(name, "IO Node", [], [v.aval]))
        names[v] = name
    counter = 0
    for eqn in jaxpr.eqns:
        op = eqn.params.get("name", eqn.primitive.name) if eqn.primitive.name in ("pjit", "jit") else eqn.primitive.name
        scope = str(eqn.source_info.name_stack)
        counter += 1
        name = f"{scope}/{op}_{counter}" if scope else f"{op}_{counter}"
        inputs = [names[v] for v in eqn.invars if isinstance(v, Var) and v in names]
        nodes.append(_node(name, f"aten::{op.lstrip('_')}", inputs, [o.aval for o in eqn.outvars]))
        for o in eqn.outvars:
            names[o] = name
    for k, v in enumerate(jaxpr.outvars):
        if v in names:
            nodes.append(_node(f"output/output.{k + 1}", "IO Node", [names[v]], [v.aval]))
    if verbose:
        print(closed)
    return GraphDef(node=nodes, versions=VersionDef(producer=22))
