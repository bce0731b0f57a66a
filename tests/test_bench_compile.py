"""benchmarks/bench_compile.py --quick runs end to end and prints every workload's row (no timing asserted)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_bench_compile_quick_prints_all_rows():
    env = dict(os.environ, JAX_PLATFORMS="cpu")
    out = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_compile.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    lines = out.stdout.splitlines()
    for name in ("linreg 506x13 SGD", "MLP 784-", "CNN MNIST-example", "Transformer 1L"):
        row = [ln for ln in lines if ln.startswith(name)]
        assert len(row) == 1, (name, out.stdout)
        # torch1, jt eager, jt comp, jax.jit (torchN is left out in --quick), then the two ratios
        assert len([c for c in row[0][len(name) :].split() if c[0].isdigit()]) >= 6, row
    assert "threads: torch1 = torch.set_num_threads(1)" in out.stdout
