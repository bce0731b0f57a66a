"""nn.Module parity: a tutorial-style module defined once and built with torch and with jtorch.

Both frameworks run the same class bodies (``define(T)``), so state_dict keys/shapes/order, names,
reprs, error messages, hook behaviour and, after loading torch's weights through numpy, outputs and
gradients are compared directly. float32 values use torch's assert_close default tolerances.
"""

from __future__ import annotations

import copy
import pickle
from collections import OrderedDict

import numpy as np
import pytest
import torch
from opinfo import assert_same, covers

import jtorch

torch.set_num_threads(1)
RTOL, ATOL = 1.3e-6, 1e-5


def define(T):
    """The same user modules for torch (T=torch) and jtorch (T=jtorch)."""
    nn = T.nn

    class MyLinear(nn.Module):
        def __init__(self, i, o, bias=True):
            super().__init__()
            self.in_features, self.out_features = i, o
            self.weight = nn.Parameter(T.randn(o, i) * 0.1)
            if bias:
                self.bias = nn.Parameter(T.zeros(o))
            else:
                self.register_parameter("bias", None)

        def forward(self, x):
            y = x @ self.weight.t()
            return y if self.bias is None else y + self.bias

        def extra_repr(self):
            return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"

    class Tanh(nn.Module):
        def forward(self, x):
            return x.tanh()

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = MyLinear(4, 8)
            self.body = nn.Sequential(MyLinear(8, 8), Tanh(), MyLinear(8, 8, bias=False))
            self.heads = nn.ModuleDict({"a": MyLinear(8, 2), "b": MyLinear(8, 3)})
            self.extra = nn.ModuleList([MyLinear(3, 3) for _ in range(3)] + [Tanh()])
            self.scale = nn.Parameter(T.ones(1))
            self.register_buffer("running", T.zeros(8))
            self.register_buffer("cache", T.zeros(2), persistent=False)
            self.register_buffer("nothing", None)
            self.plist = nn.ParameterList([nn.Parameter(T.ones(2)), nn.Parameter(T.ones(2, 2))])
            self.pdict = nn.ParameterDict({"w": nn.Parameter(T.ones(3))})

        def forward(self, x, head="b"):
            h = (self.fc1(x) + self.running).tanh()
            h = self.body(h) * self.scale
            return self.heads[head](h)

    return MyLinear, Tanh, Net


TM, TT, TNet = define(torch)
JM, JT, JNet = define(jtorch)


def _pair():
    """torch and jtorch Nets with the same weights (torch's state_dict loaded through numpy)."""
    torch.manual_seed(0)
    t = TNet()
    with torch.no_grad():
        t.running.uniform_(-0.5, 0.5)
    j = JNet()
    j.load_state_dict({k: jtorch.from_numpy(v.numpy().copy()) for k, v in t.state_dict().items()})
    return t, j


@covers(
    "nn.Module", "nn.Module.state_dict", "nn.Module.named_parameters", "nn.Module.parameters",
    "nn.Module.named_buffers", "nn.Module.buffers", "nn.Module.named_modules", "nn.Module.modules",
    "nn.Module.named_children", "nn.Module.children", "nn.Parameter", "nn.Module.register_buffer",
    "nn.Module.register_parameter",
)  # fmt: skip
def test_names_shapes_and_order():
    t, j = _pair()
    ts, js = t.state_dict(), j.state_dict()
    assert isinstance(js, OrderedDict)
    assert list(js) == list(ts)
    assert [tuple(v.shape) for v in js.values()] == [tuple(v.shape) for v in ts.values()]
    assert all(not v.requires_grad for v in js.values())
    assert [n for n, _ in j.named_parameters()] == [n for n, _ in t.named_parameters()]
    assert [n for n, _ in j.named_buffers()] == [n for n, _ in t.named_buffers()]
    assert [n for n, _ in j.named_modules()] == [n for n, _ in t.named_modules()]
    assert [type(m).__name__ for m in j.modules()] == [type(m).__name__ for m in t.modules()]
    assert [n for n, _ in j.named_children()] == [n for n, _ in t.named_children()]
    assert [n for n, _ in j.named_parameters(prefix="m", recurse=False)] == [
        n for n, _ in t.named_parameters(prefix="m", recurse=False)
    ]
    assert len(list(j.parameters())) == len(list(t.parameters()))
    assert list(j.state_dict(prefix="p.", keep_vars=True)) == list(t.state_dict(prefix="p.", keep_vars=True))
    assert all(
        isinstance(v, jtorch.nn.Parameter) for k, v in j.state_dict(keep_vars=True).items() if "running" not in k
    )


@covers("nn.Module.__repr__", "nn.Module.extra_repr", "nn.Sequential", "nn.ModuleList", "nn.ModuleDict")
def test_repr():
    t, j = _pair()
    assert repr(j) == repr(t)
    assert str(j.extra) == str(t.extra)
    assert repr(j.body[1:]) == repr(t.body[1:])
    assert repr(j.plist) == repr(t.plist)
    assert repr(j.pdict) == repr(t.pdict)
    assert repr(j.scale) == repr(t.scale)
    assert repr(JM(1, 1, bias=False)) == repr(TM(1, 1, bias=False))


@covers("nn.Module.__call__", "nn.Module.forward", "nn.Module.load_state_dict")
def test_forward_and_backward_match_torch():
    t, j = _pair()
    x = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    to = t(torch.from_numpy(x), head="a")
    jo = j(jtorch.from_numpy(x), head="a")
    assert_same(to, jo, RTOL, ATOL, "forward")
    to.pow(2).sum().backward()
    jo.pow(2).sum().backward()
    for (tn, tp), (jn, jp) in zip(t.named_parameters(), j.named_parameters()):
        assert tn == jn
        if tp.grad is None:
            assert jp.grad is None, tn
        else:
            assert_same(tp.grad, jp.grad, RTOL, ATOL, f"grad {tn}")
    j.zero_grad()
    assert all(p.grad is None for p in j.parameters())


@covers("nn.Module.load_state_dict")
def test_load_state_dict_errors_and_incompatible_keys():
    t, j = _pair()
    sd_t = {k: v.clone() for k, v in t.state_dict().items()}
    sd_j = {k: jtorch.from_numpy(v.numpy().copy()) for k, v in sd_t.items()}
    for mutate in (
        lambda sd: sd.pop("fc1.bias"),
        lambda sd: sd.__setitem__("fc1.extra", sd["fc1.bias"]),
        lambda sd: sd.__setitem__("nope.w", sd["fc1.bias"]),
        lambda sd: sd.__setitem__("heads.a.weight", sd["heads.b.weight"]),
    ):
        a, b = dict(sd_t), dict(sd_j)
        mutate(a)
        mutate(b)
        with pytest.raises(RuntimeError) as te:
            TNet().load_state_dict(a)
        with pytest.raises(RuntimeError) as je:
            JNet().load_state_dict(b)
        assert str(je.value) == str(te.value)
    a, b = dict(sd_t), dict(sd_j)
    for d in (a, b):
        d.pop("scale")
        d["junk"] = d["running"]
    tr = TNet().load_state_dict(a, strict=False)
    jr = JNet().load_state_dict(b, strict=False)
    assert tuple(jr) == tuple(tr) and repr(jr) == repr(tr)
    assert repr(JNet().load_state_dict(sd_j)) == repr(TNet().load_state_dict(sd_t)) == "<All keys matched successfully>"
    # numpy arrays are accepted directly; loading keeps the same Parameter objects
    jn = JNet()
    w = jn.fc1.weight
    jn.load_state_dict({k: v.numpy() for k, v in sd_t.items()})
    assert jn.fc1.weight is w
    np.testing.assert_array_equal(w.detach().numpy(), sd_t["fc1.weight"].numpy())
    # assign=True
    jn.load_state_dict(sd_j, assign=True)
    np.testing.assert_array_equal(jn.fc1.weight.detach().numpy(), sd_t["fc1.weight"].numpy())
    assert isinstance(jn.fc1.weight, jtorch.nn.Parameter) and jn.fc1.weight.requires_grad


def test_scalar_param_from_1_element_checkpoint():
    for T in (torch, jtorch):
        m = T.nn.Module()
        m.p = T.nn.Parameter(T.tensor(1.0))
        m.load_state_dict({"p": T.tensor([3.0])})
        assert float(m.p.detach()) == 3.0


@covers("nn.Module._save_to_state_dict", "nn.Module._load_from_state_dict", "nn.Module.get_extra_state")
def test_custom_state_dict_overrides():
    def make(T):
        class Custom(T.nn.Module):
            def __init__(self):
                super().__init__()
                self.w = T.nn.Parameter(T.ones(2))
                self.steps = 0

            def _save_to_state_dict(self, destination, prefix, keep_vars):
                super()._save_to_state_dict(destination, prefix, keep_vars)
                destination[prefix + "w_doubled"] = self.w.detach() * 2

            def _load_from_state_dict(self, state_dict, prefix, *args):
                state_dict.pop(prefix + "w_doubled", None)
                super()._load_from_state_dict(state_dict, prefix, *args)

            def get_extra_state(self):
                return {"steps": self.steps}

            def set_extra_state(self, state):
                self.steps = state["steps"]

        outer = T.nn.Sequential(Custom())
        return outer

    t, j = make(torch), make(jtorch)
    t[0].steps = j[0].steps = 7
    assert list(j.state_dict()) == list(t.state_dict()) == ["0.w", "0._extra_state", "0.w_doubled"]
    np.testing.assert_array_equal(j.state_dict()["0.w_doubled"].numpy(), [2.0, 2.0])
    t2, j2 = make(torch), make(jtorch)
    t2.load_state_dict(t.state_dict())
    j2.load_state_dict(j.state_dict())
    assert j2[0].steps == t2[0].steps == 7


@covers("nn.Module.register_forward_pre_hook", "nn.Module.register_forward_hook")
def test_forward_hooks():
    def run(T):
        m = define(T)[0](2, 2)
        with T.no_grad():
            m.weight.copy_(T.tensor([[1.0, 2.0], [3.0, 4.0]]))
        log = []
        h1 = m.register_forward_pre_hook(lambda mod, args: (args[0] * 2,))
        h2 = m.register_forward_hook(lambda mod, args, out: out + 1)
        h3 = m.register_forward_hook(lambda mod, args, out: log.append(("first", out.sum().item())), prepend=True)
        h4 = m.register_forward_pre_hook(
            lambda mod, args, kwargs: log.append(("kw", sorted(kwargs))) or ((args[0] + 1,), kwargs), with_kwargs=True
        )
        h5 = m.register_forward_hook(lambda mod, args, kwargs, out: out * 10, with_kwargs=True)
        out1 = m(T.ones(1, 2)).tolist()
        for h in (h1, h2, h3, h4, h5):
            h.remove()
        out2 = m(T.ones(1, 2)).tolist()
        return out1, out2, log

    assert run(jtorch) == run(torch)


def test_forward_hook_always_call():
    def run(T):
        class Boom(T.nn.Module):
            def forward(self, x):
                raise ValueError("boom")

        m = Boom()
        seen = []
        m.register_forward_hook(lambda mod, args, out: seen.append(out), always_call=True)
        with pytest.raises(ValueError):
            m(T.ones(1))
        return seen

    assert run(jtorch) == run(torch) == [None]


@covers("nn.Module.register_full_backward_hook", "nn.Module.register_full_backward_pre_hook")
def test_full_backward_hooks():
    x = np.array([[0.5, -1.0], [2.0, 0.25]], np.float32)

    def run(T):
        m = define(T)[0](2, 3)
        with T.no_grad():
            m.weight.copy_(T.tensor([[1.0, 2.0], [3.0, 4.0], [-1.0, 0.5]]))
        rec = {}

        def pre(mod, grad_output):
            rec["pre"] = [g.clone() for g in grad_output]
            return (grad_output[0] * 2,)

        def post(mod, grad_input, grad_output):
            rec["gi"] = [None if g is None else g.clone() for g in grad_input]
            rec["go"] = [g.clone() for g in grad_output]
            return (grad_input[0] * 3,)

        m.register_full_backward_pre_hook(pre)
        m.register_full_backward_hook(post)
        inp = T.tensor(x, requires_grad=True)
        out = m(inp)
        (out * T.arange(6.0).reshape(2, 3)).sum().backward()
        return rec, inp.grad, m.weight.grad

    (tr, tg, tw), (jr, jg, jw) = run(torch), run(jtorch)
    for key in ("pre", "gi", "go"):
        assert_same(tr[key], jr[key], RTOL, ATOL, key)
    assert_same(tg, jg, RTOL, ATOL, "input grad (hook replaced)")
    assert_same(tw, jw, RTOL, ATOL, "weight grad")


def test_backward_hook_when_no_input_requires_grad():
    def run(T):
        m = define(T)[0](2, 1)
        seen = []
        m.register_full_backward_hook(lambda mod, gi, go: seen.append((gi, tuple(g.shape for g in go))))
        m(T.ones(3, 2)).sum().backward()
        return seen

    with pytest.warns(UserWarning, match="Full backward hook is firing"):
        t = run(torch)
    with pytest.warns(UserWarning, match="Full backward hook is firing"):
        j = run(jtorch)
    assert j == t == [((None,), ((3, 1),))]


@covers("nn.Module.__setattr__", "nn.Module.__getattr__", "nn.Module.__delattr__")
def test_setattr_getattr_errors():
    def errors(T):
        out = []

        class Early(T.nn.Module):
            def __init__(self, what):
                if what == "param":
                    self.p = T.nn.Parameter(T.ones(1))
                elif what == "module":
                    self.m = T.nn.Module()
                else:
                    self.register_buffer("b", T.ones(1))

        for what in ("param", "module", "buffer"):
            with pytest.raises(AttributeError) as e:
                Early(what)
            out.append(str(e.value))
        m = define(T)[0](2, 2)
        for bad in (
            lambda: setattr(m, "weight", T.ones(2)),
            lambda: m.register_buffer("weight", T.ones(1)),
            lambda: m.register_parameter("a.b", None),
            lambda: m.register_buffer("x", 3),
            lambda: m.add_module("y", 3),
            lambda: m.nope,
            lambda: m.register_parameter("q", T.nn.Parameter(T.ones(1)) * 2),
        ):
            with pytest.raises(Exception) as e:
                bad()
            out.append((type(e.value).__name__, str(e.value)))
        m.weight = None
        m.sub = T.nn.Module()
        m.sub = None
        out.append((m.weight, m.sub, [n for n, _ in m.named_parameters()]))
        del m.bias
        out.append("bias" in m._parameters)
        m.register_buffer("buf", T.ones(1))
        m.buf = T.zeros(2)
        out.append((list(m.state_dict()), tuple(m.buf.shape)))
        m.register_buffer("tmp", T.ones(1), persistent=False)
        m.tmp = T.ones(3)
        out.append(list(m.state_dict()))
        out.append(all(k in dir(m) for k in ("buf", "tmp", "forward")))
        return out

    assert errors(jtorch) == errors(torch)


@covers("nn.Module.get_submodule", "nn.Module.get_parameter", "nn.Module.get_buffer", "nn.Module.set_submodule")
def test_get_submodule_parameter_buffer():
    t, j = _pair()
    assert type(j.get_submodule("body.0")).__name__ == "MyLinear"
    assert j.get_parameter("heads.a.weight") is j.heads.a.weight
    assert j.get_buffer("running") is j.running
    for target in ("body.9", "fc1.weight.x", "fc1.nope"):
        with pytest.raises(AttributeError) as te:
            t.get_submodule(target)
        with pytest.raises(AttributeError) as je:
            j.get_submodule(target)
        assert str(je.value) == str(te.value)
    for fn in ("get_parameter", "get_buffer"):
        for target in ("running", "fc1.weight", "fc1.zzz"):
            try:
                getattr(t, fn)(target)
                te = None
            except AttributeError as e:
                te = str(e)
            try:
                getattr(j, fn)(target)
                je = None
            except AttributeError as e:
                je = str(e)
            assert je == te, (fn, target)
    j.set_submodule("body.1", JM(8, 8))
    assert isinstance(j.body[1], JM)


@covers(
    "nn.Module.train", "nn.Module.eval", "nn.Module.requires_grad_", "nn.Module.zero_grad", "nn.Module.apply",
    "nn.Module.to", "nn.Module.double", "nn.Module.float", "nn.Module.half", "nn.Module.bfloat16", "nn.Module.type",
    "nn.Module.cpu",
)  # fmt: skip
def test_modes_and_casting():
    t, j = _pair()
    for m in (t, j):
        m.eval()
    assert [m.training for m in j.modules()] == [m.training for m in t.modules()] == [False] * len(list(t.modules()))
    j.train()
    assert all(m.training for m in j.modules())
    with pytest.raises(ValueError, match="training mode is expected to be boolean"):
        j.train("yes")
    j.requires_grad_(False)
    assert not any(p.requires_grad for p in j.parameters())
    j.requires_grad_()
    params = list(j.parameters())
    j.fc1.weight.grad = jtorch.ones(8, 4)
    assert j.double() is j
    assert list(j.parameters()) == params or all(a is b for a, b in zip(j.parameters(), params))
    assert all(p.dtype is jtorch.float64 for p in j.parameters())
    assert j.fc1.weight.grad.dtype is jtorch.float64
    t.double()
    assert [str(b.dtype) for b in j.buffers()] == [str(b.dtype) for b in t.buffers()]
    for cast in ("float", "half", "bfloat16"):
        getattr(j, cast)()
        getattr(t, cast)()
        assert [str(p.dtype) for p in j.parameters()] == [str(p.dtype) for p in t.parameters()]
    j.to(jtorch.float32).cpu()
    j.type(jtorch.float64)
    assert j.scale.dtype is jtorch.float64
    with pytest.raises(TypeError) as te:
        t.to(torch.int64)
    with pytest.raises(TypeError) as je:
        j.to(jtorch.int64)
    assert str(je.value) == str(te.value)
    names = []
    j.apply(lambda m: names.append(type(m).__name__))
    tnames = []
    t.apply(lambda m: tnames.append(type(m).__name__))
    assert names == tnames
    j.to(jtorch.float32)
    j.fc1.weight.grad = jtorch.ones(8, 4)
    j.zero_grad(set_to_none=False)
    assert j.fc1.weight.grad is not None and float(j.fc1.weight.grad.abs().sum()) == 0.0


def test_shared_parameters_appear_once():
    def run(T):
        m = T.nn.Module()
        m.a = define(T)[0](3, 3)
        m.b = define(T)[0](3, 3)
        m.b.weight = m.a.weight
        m.c = m.a
        return (
            [n for n, _ in m.named_parameters()],
            [n for n, _ in m.named_parameters(remove_duplicate=False)],
            list(m.state_dict()),
            [n for n, _ in m.named_modules()],
        )

    assert run(jtorch) == run(torch)


def test_deepcopy_and_pickle():
    _, j = _pair()
    j2 = copy.deepcopy(j)
    assert list(j2.state_dict()) == list(j.state_dict())
    assert j2.fc1.weight is not j.fc1.weight
    with jtorch.no_grad():
        j2.fc1.weight.add_(1)
    assert not np.allclose(j2.fc1.weight.detach().numpy(), j.fc1.weight.detach().numpy())
    p = Picklable()
    p3 = pickle.loads(pickle.dumps(p))
    assert list(p3.state_dict()) == list(p.state_dict()) == ["w", "b", "seq.0.w", "seq.0.b"]
    for (k, a), (_, b) in zip(p.state_dict().items(), p3.state_dict().items()):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=k)
    assert repr(p3) == repr(p)
    assert isinstance(p3.w, jtorch.nn.Parameter) and p3.w.requires_grad
    assert [n for n, _ in p3.named_buffers()] == ["b", "tmp", "seq.0.b", "seq.0.tmp"]
    x = jtorch.ones(2, 3)
    np.testing.assert_allclose(p3(x).detach().numpy(), p(x).detach().numpy(), rtol=RTOL)


class Picklable(jtorch.nn.Module):
    """Module-level (so picklable) module with parameters, buffers and a nested container."""

    def __init__(self, nested: bool = True):
        super().__init__()
        self.w = jtorch.nn.Parameter(jtorch.randn(3, 3))
        self.register_buffer("b", jtorch.ones(3))
        self.register_buffer("tmp", jtorch.zeros(1), persistent=False)
        if nested:
            self.seq = jtorch.nn.Sequential(Picklable(nested=False))

    def forward(self, x):
        y = x @ self.w + self.b
        return self.seq(y) if hasattr(self, "seq") else y


@covers("nn.Sequential.append", "nn.Sequential.insert", "nn.Sequential.extend", "nn.Sequential.pop")
def test_sequential_operations():
    def run(T):
        M = define(T)[0]
        s = T.nn.Sequential(M(1, 2), M(2, 3), M(3, 4))
        out = [len(s), type(s[-1]).__name__, s[-1].out_features, repr(s[1:]), repr(s[::2])]
        s.append(M(4, 5)).insert(1, M(9, 9)).extend([M(5, 6)])
        out.append(repr(s))
        out.append(s.pop(1).in_features)
        del s[0]
        out.append(repr(s))
        out.append(repr(s + T.nn.Sequential(M(7, 7))))
        out.append([m.in_features for m in s])
        s2 = T.nn.Sequential(OrderedDict([("first", M(1, 1)), ("second", M(1, 1))]))
        out.append((repr(s2), list(s2.state_dict())))
        with pytest.raises(IndexError) as e:
            s[10]
        out.append(str(e.value))
        ml = T.nn.ModuleList([M(1, 1), M(1, 1), M(2, 2)])
        ml.insert(0, M(3, 3))
        out.append((repr(ml), repr(ml[1:]), len(ml)))
        md = T.nn.ModuleDict([("x", M(1, 1))])
        md["y"] = M(2, 2)
        out.append((list(md.keys()), "x" in md, repr(md.pop("x")), repr(md)))
        pl = T.nn.ParameterList([T.ones(1)])
        pl.append(T.nn.Parameter(T.zeros(2, 2)))
        pd = T.nn.ParameterDict({"b": T.ones(1), "a": T.zeros(2)})
        out.append((repr(pl), list(pl.state_dict()), repr(pd), list(pd.state_dict()), list(pd.keys())))
        return out

    assert run(jtorch) == run(torch)


def test_sequential_forward():
    t, j = _pair()
    x = np.random.default_rng(1).standard_normal((3, 8)).astype(np.float32)
    assert_same(t.body(torch.from_numpy(x)), j.body(jtorch.from_numpy(x)), RTOL, ATOL, "Sequential")


@covers("nn.modules.module.register_module_forward_hook", "nn.modules.module.register_module_forward_pre_hook")
def test_global_forward_hooks():
    def run(T):
        mm = T.nn.modules.module
        seen = []
        h1 = mm.register_module_forward_pre_hook(lambda m, a: seen.append(("pre", type(m).__name__)))
        h2 = mm.register_module_forward_hook(lambda m, a, o: seen.append(("post", type(m).__name__)))
        try:
            T.nn.Sequential(define(T)[1]())(T.ones(1))
        finally:
            h1.remove()
            h2.remove()
        T.nn.Sequential(define(T)[1]())(T.ones(1))
        return seen

    assert run(jtorch) == run(torch)


def test_parameter_basics():
    for data in ([1.0, 2.0], [[1.5]]):
        tp, jp = torch.nn.Parameter(torch.tensor(data)), jtorch.nn.Parameter(jtorch.tensor(data))
        assert repr(jp) == repr(tp)
        assert jp.requires_grad and jp.is_leaf and isinstance(jp, jtorch.Tensor)
    assert not jtorch.nn.Parameter(jtorch.ones(1), requires_grad=False).requires_grad
    assert repr(jtorch.nn.Parameter()) == repr(torch.nn.Parameter())
    q = copy.deepcopy(jtorch.nn.Parameter(jtorch.ones(2)))
    assert isinstance(q, jtorch.nn.Parameter) and q.requires_grad
    b = jtorch.nn.Buffer(jtorch.ones(2), persistent=False)
    m = jtorch.nn.Module()
    m.b = b
    assert list(m.state_dict()) == [] and [n for n, _ in m.named_buffers()] == ["b"]
    assert repr(b) == repr(torch.nn.Buffer(torch.ones(2)))


def _reference_architectures(T):
    """Reference models built from the library's own layers (same code for torch and jtorch)."""
    nn = T.nn

    class MLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.flatten = nn.Flatten()
            self.net = nn.Sequential(nn.Linear(12, 16), nn.ReLU(), nn.Linear(16, 16), nn.Tanh(), nn.Linear(16, 4))

        def forward(self, x):
            return self.net(self.flatten(x))

    class Nested(nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = nn.Sequential(
                OrderedDict([("fc", nn.Linear(12, 8)), ("act", nn.GELU()), ("drop", nn.Dropout(0.0))])
            )
            self.heads = nn.ModuleDict({"cls": nn.Linear(8, 3), "reg": nn.Sequential(nn.Linear(8, 8), nn.Linear(8, 1))})
            self.blocks = nn.ModuleList([nn.Linear(8, 8, bias=False) for _ in range(2)])
            self.tied = nn.Linear(8, 8)
            self.tied.weight = self.blocks[0].weight
            self.register_buffer("mask", T.ones(8))

        def forward(self, x):
            h = self.encoder(x.flatten(1)) * self.mask
            for b in self.blocks:
                h = h + b(h)
            return self.heads["cls"](self.tied(h)), self.heads["reg"](h)

    return {"MLP": MLP, "Nested": Nested}


@covers("nn.Module.state_dict", "nn.Module.load_state_dict")
@pytest.mark.parametrize("name", ["MLP", "Nested"])
def test_reference_architectures(name):
    torch.manual_seed(0)
    t = _reference_architectures(torch)[name]().eval()
    j = _reference_architectures(jtorch)[name]().eval()
    ts, js = t.state_dict(), j.state_dict()
    assert list(js) == list(ts)
    assert [tuple(v.shape) for v in js.values()] == [tuple(v.shape) for v in ts.values()]
    assert [n for n, _ in j.named_parameters()] == [n for n, _ in t.named_parameters()]
    assert repr(j) == repr(t)
    j.load_state_dict({k: v.numpy() for k, v in ts.items()})
    x = np.random.default_rng(0).standard_normal((2, 3, 4)).astype(np.float32)
    to, jo = t(torch.from_numpy(x)), j(jtorch.from_numpy(x))
    to = to if isinstance(to, tuple) else (to,)
    jo = jo if isinstance(jo, tuple) else (jo,)
    assert_same(tuple(to), tuple(jo), RTOL, ATOL, name)
    sum(o.sum() for o in to).backward()
    sum(o.sum() for o in jo).backward()
    for (n, tp), (_, jp) in zip(t.named_parameters(), j.named_parameters()):
        assert_same(tp.grad, jp.grad, RTOL, ATOL, f"grad {n}")
