"""The torch import alias and ``python -m jtorch.run``: imports resolve to jtorch, __main__ semantics,
spawned DataLoader workers see the alias, missing names fail clearly, torch-specific switches work."""

import subprocess
import sys
import textwrap

import pytest

import jtorch


def _run(tmp_path, source: str, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    script = tmp_path / "prog.py"
    script.write_text(textwrap.dedent(source))
    return subprocess.run(
        [sys.executable, "-m", "jtorch.run", str(script), *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_imports_argv_main_and_pickling(tmp_path):
    r = _run(
        tmp_path,
        """
        import pickle, sys
        import torch
        import torch.nn as nn
        import torch.nn.functional as F
        from torch.utils.data import DataLoader
        from torch.optim.lr_scheduler import StepLR
        from torch.utils.tensorboard import SummaryWriter
        import jtorch

        class Box:
            def __init__(self, v):
                self.v = v

        if __name__ == "__main__":
            assert torch is jtorch and nn is jtorch.nn and F is jtorch.nn.functional
            assert DataLoader is jtorch.utils.data.DataLoader
            assert isinstance(torch.ones(2), jtorch.Tensor)
            print(sys.argv[1:], pickle.loads(pickle.dumps(Box(3))).v, sys.path[0] == %r)
        """
        % str(tmp_path),
        "--lr",
        "0.1",
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "['--lr', '0.1'] 3 True"


def test_missing_module_and_attribute_name_the_torch_name(tmp_path):
    r = _run(
        tmp_path,
        """
        import torch
        try:
            torch.onnx
        except AttributeError as e:
            print(e)
        try:
            torch.nn.functional.no_such_function
        except AttributeError as e:
            print(e)
        import torch.onnx
        """,
    )
    lines = r.stdout.strip().splitlines()
    assert lines == [
        "module 'torch' has no attribute 'onnx' — torch.onnx is not implemented in jtorch yet",
        "module 'torch.nn.functional' has no attribute 'no_such_function' — "
        "torch.nn.functional.no_such_function is not implemented in jtorch yet",
    ]
    assert r.returncode == 1
    assert "ModuleNotFoundError: No module named 'torch.onnx' — torch.onnx is not implemented in jtorch yet" in r.stderr


def test_torch_specific_switches(tmp_path):
    r = _run(
        tmp_path,
        """
        import torch
        torch.backends.cudnn.benchmark = True
        torch.backends.cudnn.deterministic = True
        torch.use_deterministic_algorithms(True)
        torch.set_float32_matmul_precision("high")
        print(torch.__version__ == torch.version.__version__, torch.backends.mps.is_available())
        print(torch.are_deterministic_algorithms_enabled(), torch.get_float32_matmul_precision())
        print(torch.device("cuda" if torch.cuda.is_available() else "cpu").type in ("cpu", "cuda"))
        """,
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["True", "False", "True", "high", "True"]


def test_spawned_dataloader_workers_see_the_alias(tmp_path):
    # Spawned workers re-run the script as __mp_main__ before anything else; each records which torch it got.
    r = _run(
        tmp_path,
        """
        import os
        import torch
        from torch.utils.data import DataLoader, Dataset

        if __name__ == "__mp_main__":
            with open(f"child_{os.getpid()}.txt", "w") as f:
                f.write(torch.__name__)

        class DS(Dataset):
            def __len__(self):
                return 4

            def __getitem__(self, i):
                return torch.tensor([float(i)]) * 2

        if __name__ == "__main__":
            for b in DataLoader(DS(), batch_size=2, num_workers=2, multiprocessing_context="spawn"):
                print(type(b).__module__.split(".")[0], b.view(-1).tolist())
        """,
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.split("\n")[:2] == ["jtorch [0.0, 2.0]", "jtorch [4.0, 6.0]"]
    children = [p.read_text() for p in tmp_path.glob("child_*.txt")]
    assert children == ["jtorch", "jtorch"]


def test_install_refuses_when_real_torch_is_imported():
    code = (
        "import torch, jtorch\n"
        "try:\n    jtorch.install_torch_alias()\nexcept RuntimeError as e:\n    print('refused', 'already imported' in str(e))"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert r.stdout.strip() == "refused True", r.stderr


def test_install_in_process():
    if "torch" in sys.modules and sys.modules["torch"] is not jtorch:
        pytest.skip("the real torch is imported in this test process")
    from jtorch._alias import uninstall_torch_alias

    jtorch.install_torch_alias()
    try:
        import torch
        import torch.optim.lr_scheduler as sched

        assert torch is jtorch and sched is jtorch.optim.lr_scheduler
    finally:
        uninstall_torch_alias()
    assert "torch" not in sys.modules
