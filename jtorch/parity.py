"""``python -m jtorch.parity script.py [args]``: run a PyTorch program under real torch and under jtorch, compare.

Each run is a subprocess with its own empty working directory (so ``SummaryWriter()``'s default ``runs/``
lands there), seeded the same way before the script starts (``random``, ``numpy`` and ``torch.manual_seed``
with ``--seed``, ``PYTHONHASHSEED``), torch pinned to one thread. The torch run goes first.

What is compared:
- stdout, line by line: each line's text with its numbers masked must match, and each number must agree
  within ``|a - b| <= atol + rtol * |b|`` (torch's value is ``b``). Lines matching ``--ignore REGEX`` (for
  example timings) are skipped.
- TensorBoard scalars: every event file under each run's directory is read with tensorboard's
  ``EventAccumulator``; scalars are matched by (run directory, tag, step), with the default run directory's
  time-and-host part masked.

The first divergence beyond tolerance is reported (line or tag, step, both values, relative error), then a
summary; the exit status is 0 on agreement, 1 on divergence, 2 if a run failed.

Comparable runs: torch and jtorch draw different random numbers from the same seed, so a program compared
this way must not depend on the random stream: create data with numpy from a fixed seed and initialise
weights from numpy (or load a checkpoint), or call ``share_initial_weights(model)`` after building the model:
the torch run saves its initial ``state_dict`` to a file and the jtorch run loads it. ``copy_weights`` does
the same in one process that has both libraries. Dropout and random augmentation stay different.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field

_NUM = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|[-+]?\b(?:nan|inf)\b")
_ADDR = re.compile(r"\b0x[0-9a-fA-F]+\b")  # object addresses in reprs differ between any two runs
_JTORCH_IMPORT = re.compile(r"^\s*(?:import|from)\s+jtorch\b(?!\.parity)", re.M)
_BACKEND_ENV = "JTORCH_PARITY_BACKEND"
_WEIGHTS_ENV = "JTORCH_PARITY_WEIGHTS"
_SCRIPT_ENV = "JTORCH_PARITY_SCRIPT"


# --- helpers for programs -----------------------------------------------------------------------------------


def copy_weights(torch_model, jtorch_model) -> None:
    """Copy a torch module's parameters and buffers into a jtorch module of the same structure."""
    import jtorch

    state = {k: jtorch.tensor(v.detach().cpu().numpy()) for k, v in torch_model.state_dict().items()}
    jtorch_model.load_state_dict(state)


def share_initial_weights(model, name: str = "model") -> None:
    """Under ``python -m jtorch.parity``: the torch run saves ``model``'s state_dict, the jtorch run loads it.

    Outside the parity runner it does nothing, so a program can call it unconditionally.
    """
    backend = os.environ.get(_BACKEND_ENV)
    folder = os.environ.get(_WEIGHTS_ENV)
    if not backend or not folder:
        return
    torch = sys.modules["torch"]  # the real torch, or jtorch under the alias
    script = os.environ.get(_SCRIPT_ENV, "")  # batch mode: one file per script, so names never collide
    path = os.path.join(folder, f"{script}.{name}.pt" if script else f"{name}.pt")
    if backend == "torch":
        torch.save(model.state_dict(), path)
    else:
        model.load_state_dict(torch.load(path))


# --- running ------------------------------------------------------------------------------------------------


@dataclass
class RunResult:
    backend: str
    returncode: int
    stdout: str
    stderr: str
    logdir: str
    scalars: dict = field(default_factory=dict)


# The child bootstrap runs with ``python -c`` so the torch run never imports jtorch (nor JAX). argv:
# backend, seed, then one or more "script<TAB>workdir<TAB>json(args)"; several scripts run one after another
# in the same process (batch mode), each reseeded, in its own working directory, between marker lines.
_CHILD_CODE = r"""
import json, os, random, runpy, sys, traceback
import numpy as np
backend, seed, jobs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
if backend == "jtorch":
    from jtorch._alias import install_torch_alias
    install_torch_alias()
elif os.environ.get("JTORCH_PARITY_MAP_JTORCH") == "1":
    # The script says `import jtorch as torch`: in the torch run, jtorch and jtorch.* are the real torch modules.
    import importlib, importlib.abc, importlib.util
    class _Loader(importlib.abc.Loader):
        def __init__(self, mod):
            self.mod, self.spec = mod, mod.__spec__
        def create_module(self, spec):
            return self.mod
        def exec_module(self, module):
            module.__spec__ = self.spec
    class _Finder(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == "jtorch.parity":  # this module itself (stdlib-only at import), from its file
                return importlib.util.spec_from_file_location(name, os.environ["JTORCH_PARITY_MODULE"])
            if name != "jtorch" and not name.startswith("jtorch."):
                return None
            mod = importlib.import_module(name[1:])
            return importlib.util.spec_from_loader(name, _Loader(mod), is_package=hasattr(mod, "__path__"))
    sys.meta_path.insert(0, _Finder())
import torch
if backend == "torch":
    torch.set_num_threads(1)
status = 0
for job in jobs:
    script, workdir, args = job.split("\t")
    os.environ["JTORCH_PARITY_SCRIPT"] = os.path.basename(script)
    os.makedirs(workdir, exist_ok=True)
    os.chdir(workdir)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    if len(jobs) > 1:
        print("@@JTORCH_PARITY_BEGIN " + script, flush=True)
    sys.argv = [script, *json.loads(args)]
    sys.path.insert(0, os.path.dirname(script))
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit as e:
        if e.code not in (None, 0):
            status = e.code if isinstance(e.code, int) else 1
            print(f"[{script} exited with {e.code}]", file=sys.stderr)
    except BaseException:
        traceback.print_exc()
        status = 1
        if len(jobs) > 1:
            print("@@JTORCH_PARITY_FAILED " + script, flush=True)
    finally:
        sys.path.remove(os.path.dirname(script))
    sys.stdout.flush()
sys.exit(status)
"""


def run_backend(backend: str, jobs: list[tuple[str, str, list[str]]], weights: str, seed: int, timeout: float):
    """Run the (script, workdir, args) jobs one after another in one subprocess under ``backend``."""
    import json

    env = dict(os.environ)
    env.update(PYTHONHASHSEED=str(seed), OMP_NUM_THREADS="1", **{_BACKEND_ENV: backend, _WEIGHTS_ENV: weights})
    sources = []
    for script, _, _ in jobs:
        with open(script, encoding="utf-8", errors="replace") as f:
            sources.append(f.read())
    env["JTORCH_PARITY_MODULE"] = os.path.abspath(__file__)
    env["JTORCH_PARITY_MAP_JTORCH"] = "1" if any(_JTORCH_IMPORT.search(src) for src in sources) else "0"
    argv = [f"{script}\t{workdir}\t{json.dumps(args)}" for script, workdir, args in jobs]
    cmd = [sys.executable, "-c", _CHILD_CODE, backend, str(seed), *argv]
    for _, workdir, _ in jobs:
        os.makedirs(workdir, exist_ok=True)
    try:
        p = subprocess.run(cmd, cwd=jobs[0][1], env=env, capture_output=True, text=True, timeout=timeout)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        err = e.stderr.decode() if isinstance(e.stderr, bytes) else (e.stderr or "")
        return -1, out, err + f"\n[timed out after {timeout}s]"


def run_one(backend: str, script: str, args: list[str], workdir: str, weights: str, seed: int, timeout: float):
    os.makedirs(workdir, exist_ok=True)
    rc, out, err = run_backend(backend, [(script, workdir, args)], weights, seed, timeout)
    return RunResult(backend, rc, out, err, workdir)


def read_scalars(root: str) -> dict:
    """{(run_dir, tag): {step: value}} for every TensorBoard event file under ``root``."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    host = re.escape(socket.gethostname())
    default_dir = re.compile(r"[A-Z][a-z]{2}\d{2}_\d{2}-\d{2}-\d{2}_" + host)
    dirs = sorted({d for d, _, files in os.walk(root) for f in files if "tfevents" in f})
    scalars: dict = {}
    for d in dirs:
        acc = EventAccumulator(d, size_guidance={"scalars": 0, "tensors": 0})
        acc.Reload()
        run = default_dir.sub("<time_host>", os.path.relpath(d, root))
        tags = acc.Tags()
        for tag in tags.get("scalars", []):
            for ev in acc.Scalars(tag):
                scalars.setdefault((run, tag), {})[ev.step] = float(ev.value)
        for tag in tags.get("tensors", []):  # torch's new_style scalars are tensor summaries
            for ev in acc.Tensors(tag):
                if ev.tensor_proto.float_val or ev.tensor_proto.double_val:
                    vals = list(ev.tensor_proto.float_val) or list(ev.tensor_proto.double_val)
                    scalars.setdefault((run, tag), {})[ev.step] = float(vals[0])
    return scalars


# --- comparing ----------------------------------------------------------------------------------------------


@dataclass
class Report:
    lines: int = 0
    numbers: int = 0
    scalars: int = 0
    max_rel: float = 0.0
    max_rel_at: str = ""
    divergence: str | None = None


def _close(a: float, b: float, rtol: float, atol: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= atol + rtol * abs(b)


def _rel(a: float, b: float) -> float:
    if a == b:
        return 0.0
    if not (math.isfinite(a) and math.isfinite(b)):
        return math.inf
    return abs(a - b) / abs(b) if b else math.inf


def _note(rep: Report, a: float, b: float, where: str) -> None:
    r = _rel(a, b)
    if r > rep.max_rel and math.isfinite(r):
        rep.max_rel, rep.max_rel_at = r, where


def compare_stdout(torch_out: str, jtorch_out: str, rtol: float, atol: float, ignore: list[str], rep: Report) -> None:
    pats = [re.compile(p) for p in ignore]
    keep = lambda s: [_ADDR.sub("0x?", ln) for ln in s.splitlines() if not any(p.search(ln) for p in pats)]  # noqa: E731
    t_lines, j_lines = keep(torch_out), keep(jtorch_out)
    for i, (tl, jl) in enumerate(zip(t_lines, j_lines), 1):
        rep.lines += 1
        if _NUM.sub("#", tl) != _NUM.sub("#", jl):
            rep.divergence = f"stdout line {i} differs in text:\n  torch : {tl}\n  jtorch: {jl}"
            return
        for k, (ts, js) in enumerate(zip(_NUM.findall(tl), _NUM.findall(jl)), 1):
            a, b = float(js), float(ts)
            rep.numbers += 1
            _note(rep, a, b, f"stdout line {i}")
            if not _close(a, b, rtol, atol):
                rep.divergence = (
                    f"stdout line {i}, number {k}: torch {ts}, jtorch {js}, relative error {_rel(a, b):.3g}\n"
                    f"  torch : {tl}\n  jtorch: {jl}"
                )
                return
    if len(t_lines) != len(j_lines):
        n = min(len(t_lines), len(j_lines))
        extra = (t_lines if len(t_lines) > n else j_lines)[n]
        who = "torch" if len(t_lines) > n else "jtorch"
        rep.divergence = f"stdout: torch printed {len(t_lines)} lines, jtorch {len(j_lines)}; next {who} line: {extra}"


def compare_scalars(t: dict, j: dict, rtol: float, atol: float, rep: Report) -> None:
    for key in sorted(set(t) | set(j)):
        run, tag = key
        if key not in j or key not in t:
            who = "jtorch" if key not in j else "torch"
            rep.divergence = f"tensorboard tag {tag!r} (run {run}) missing from the {who} run"
            return
        ts, js = t[key], j[key]
        if set(ts) != set(js):
            rep.divergence = f"tensorboard tag {tag!r}: steps differ: torch {sorted(ts)[:10]}, jtorch {sorted(js)[:10]}"
            return
        for step in sorted(ts):
            a, b = js[step], ts[step]
            rep.scalars += 1
            _note(rep, a, b, f"tensorboard {tag} step {step}")
            if not _close(a, b, rtol, atol):
                rep.divergence = (
                    f"tensorboard tag {tag!r} (run {run}) step {step}: torch {b!r}, jtorch {a!r}, "
                    f"relative error {_rel(a, b):.3g}"
                )
                return


def _compare_outputs(name, t_out, j_out, t_dir, j_dir, rtol, atol, ignore) -> tuple[int, str]:
    rep = Report()
    compare_stdout(t_out, j_out, rtol, atol, list(ignore), rep)
    if rep.divergence is None:
        compare_scalars(read_scalars(t_dir), read_scalars(j_dir), rtol, atol, rep)
    out = []
    if rep.divergence:
        out.append(f"parity: {name}: FIRST DIVERGENCE (rtol={rtol}, atol={atol}): {rep.divergence}")
    out.append(
        f"parity: {name}: {rep.lines} stdout lines, {rep.numbers} numbers, "
        f"{rep.scalars} tensorboard scalars compared; max relative error {rep.max_rel:.3g}"
        + (f" ({rep.max_rel_at})" if rep.max_rel_at else "")
        + ("; DIVERGED" if rep.divergence else "; AGREE")
    )
    return (1 if rep.divergence else 0), "\n".join(out)


def compare(
    script: str,
    args: list[str] = (),
    *,
    rtol: float = 1e-4,
    atol: float = 1e-6,
    ignore=(),
    seed: int = 0,
    timeout: float = 600,
    keep: str | None = None,
    verbose: bool = False,
) -> tuple[int, str]:
    """Run ``script`` under torch, then under jtorch, and compare; returns (exit status, report text)."""
    script = os.path.abspath(script)
    root = keep or tempfile.mkdtemp(prefix="jtorch_parity_")
    weights = os.path.join(root, "weights")
    os.makedirs(weights, exist_ok=True)
    runs = [run_one(b, script, list(args), os.path.join(root, b), weights, seed, timeout) for b in ("torch", "jtorch")]
    out = []
    for r in runs:
        if verbose or r.returncode != 0:
            out.append(
                f"--- {r.backend} (exit {r.returncode}) stdout ---\n{r.stdout}--- {r.backend} stderr ---\n{r.stderr}"
            )
    failed = [r for r in runs if r.returncode != 0]
    if failed:
        out.append("parity: " + ", ".join(f"the {r.backend} run failed (exit {r.returncode})" for r in failed))
        return 2, "\n".join(out)
    status, text = _compare_outputs(
        os.path.basename(script), runs[0].stdout, runs[1].stdout, runs[0].logdir, runs[1].logdir, rtol, atol, ignore
    )
    out.append(text)
    return status, "\n".join(out)


_BEGIN, _FAILED = "@@JTORCH_PARITY_BEGIN ", "@@JTORCH_PARITY_FAILED "


def _split(stdout: str) -> dict[str, str | None]:
    parts: dict[str, str | None] = {}
    name = None
    for line in stdout.splitlines(keepends=True):
        if line.startswith(_BEGIN):
            name = line[len(_BEGIN) :].strip()
            parts[name] = ""
        elif line.startswith(_FAILED):
            parts[line[len(_FAILED) :].strip()] = None
        elif name is not None and parts.get(name) is not None:
            parts[name] += line
    return parts


def compare_many(
    scripts: list,
    *,
    rtol: float = 1e-4,
    atol: float = 1e-6,
    ignore=(),
    seed: int = 0,
    timeout: float = 600,
    keep: str | None = None,
) -> dict[str, tuple[int, str]]:
    """Batch mode: run all scripts in one torch process and one jtorch process, each script reseeded in its
    own working directory, and compare each pair. An entry may be ``(script, [args])`` to pass arguments.
    Saves the per-process start-up (importing torch, jtorch and JAX) when checking many short programs; a
    script that changes process-wide state (default dtype, print options) affects those after it.
    Returns {script: (status, report)}."""
    argv = {}
    for s in scripts:
        path, args = (s, []) if isinstance(s, str) else (s[0], list(s[1]))
        argv[os.path.abspath(path)] = args
    scripts = list(argv)
    root = keep or tempfile.mkdtemp(prefix="jtorch_parity_")
    weights = os.path.join(root, "weights")
    os.makedirs(weights, exist_ok=True)
    stem = lambda s, b: os.path.join(root, b, os.path.splitext(os.path.basename(s))[0])  # noqa: E731
    outs = {}
    for b in ("torch", "jtorch"):
        os.makedirs(os.path.join(root, b), exist_ok=True)
        rc, out, err = run_backend(b, [(s, stem(s, b), argv[s]) for s in scripts], weights, seed, timeout)
        outs[b] = (rc, _split(out), err)
    results = {}
    for s in scripts:
        t, j = outs["torch"][1].get(s), outs["jtorch"][1].get(s)
        if t is None or j is None:
            who = [b for b, o in (("torch", t), ("jtorch", j)) if o is None]
            errs = "\n".join(f"--- {b} stderr ---\n{outs[b][2]}" for b in who)
            results[s] = (2, f"parity: {os.path.basename(s)}: the {' and '.join(who)} run failed\n{errs}")
            continue
        results[s] = _compare_outputs(
            os.path.basename(s), t, j, stem(s, "torch"), stem(s, "jtorch"), rtol, atol, ignore
        )
    return results


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    ap = argparse.ArgumentParser(prog="python -m jtorch.parity", description=__doc__.split("\n\n")[0])
    ap.add_argument("--rtol", type=float, default=1e-4, help="relative tolerance (default 1e-4)")
    ap.add_argument("--atol", type=float, default=1e-6, help="absolute tolerance (default 1e-6)")
    ap.add_argument("--ignore", action="append", default=[], help="skip stdout lines matching this regex")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--timeout", type=float, default=600, help="seconds per run")
    ap.add_argument("--keep", help="directory to keep both runs' outputs in (default: a temp dir)")
    ap.add_argument("--many", action="store_true", help="batch mode: every positional argument is a script")
    ap.add_argument("-v", "--verbose", action="store_true", help="print both runs' output")
    ap.add_argument("script")
    ap.add_argument("args", nargs=argparse.REMAINDER)
    ns = ap.parse_args(argv)
    opts = dict(rtol=ns.rtol, atol=ns.atol, ignore=ns.ignore, seed=ns.seed, timeout=ns.timeout, keep=ns.keep)
    if ns.many:
        results = compare_many([ns.script, *ns.args], **opts)
        for _, text in results.values():
            print(text)
        bad = [s for s, (st, _) in results.items() if st]
        print(f"parity: {len(results) - len(bad)} of {len(results)} programs agree")
        raise SystemExit(max((st for st, _ in results.values()), default=0))
    status, text = compare(ns.script, ns.args, verbose=ns.verbose, **opts)
    print(text)
    raise SystemExit(status)


if __name__ == "__main__":
    main()
