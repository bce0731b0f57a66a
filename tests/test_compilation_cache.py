"""jtorch keeps slow-to-compile XLA programs in JAX's on-disk cache (as torch.compile keeps its own)."""

import os
import subprocess
import sys

SCRIPT = "import jax, jtorch; jtorch.nn.Linear(5, 3); print(jax.config.jax_compilation_cache_dir)"


def _run(env_updates: dict) -> str:
    env = {
        k: v for k, v in os.environ.items() if k not in ("JAX_COMPILATION_CACHE_DIR", "JTORCH_COMPILATION_CACHE_DIR")
    }
    env.update(env_updates)
    out = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip().splitlines()[-1]


def test_cache_folder_filled_by_parameter_init(tmp_path):
    folder = tmp_path / "xla"
    assert _run({"JTORCH_COMPILATION_CACHE_DIR": str(folder)}) == str(folder)
    assert any(folder.iterdir())  # the init's random-draw programs (~0.25 s each to compile) were kept


def test_cache_can_be_turned_off_and_a_users_jax_cache_is_kept(tmp_path):
    assert _run({"JTORCH_COMPILATION_CACHE_DIR": ""}) == "None"
    theirs = str(tmp_path / "theirs")
    assert _run({"JAX_COMPILATION_CACHE_DIR": theirs, "JTORCH_COMPILATION_CACHE_DIR": str(tmp_path / "ours")}) == theirs
