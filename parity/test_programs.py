"""Every program in parity/programs/ and every tutorial example (short mode) runs unmodified under jtorch
and agrees with real torch (jtorch.parity).

All programs go through ``jtorch.parity.compare_many`` (one torch process and one jtorch process, so the
file stays within a few minutes on 2 cores); one program also goes through the CLI entry point
(``jtorch.parity.main``), and a program whose output depends on the random stream must be reported
as a divergence. Tolerances: rtol 1e-4 / atol 1e-6 on printed numbers and TensorBoard scalars; the
programs print at most 6 decimals of float32 results, where the measured maximum relative difference is
below 2e-6 (27_autocast_gradscaler prints its bfloat16 losses to one decimal: XLA and oneDNN round bf16
matmuls differently).
"""

import glob
import os
import textwrap

import opinfo  # noqa: F401  (pins torch to one thread)
import pytest

from jtorch import parity

HERE = os.path.dirname(__file__)
PROGRAMS = sorted(glob.glob(os.path.join(HERE, "programs", "*.py")))
TUTORIAL = os.path.join(HERE, "..", "examples", "tutorial")
# The tutorial examples in short mode. examples/train_digits.py is not compared: its dropout masks,
# shuffled batches and default initialisation come from the random stream, which differs by design.
EXAMPLES = [
    ("t1_module.py", []),
    ("t2_linear_regression.py", ["--steps", "1001"]),
    ("t3_losses.py", []),
    ("t4_optim.py", ["--steps", "40"]),
    ("t5_data.py", ["--workers", "0"]),
    ("t6_save_load.py", []),
    ("t7_tensorboard.py", ["--steps", "30"]),
]


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    diverging = tmp_path_factory.mktemp("src") / "random_stream.py"
    diverging.write_text("import torch\nprint('draw', torch.rand(3).sum().item())\n")
    # Written as `import jtorch as torch`: the torch run maps jtorch to the real torch.
    as_jtorch = tmp_path_factory.mktemp("src") / "import_jtorch_as_torch.py"
    as_jtorch.write_text(
        "import jtorch as torch\nimport jtorch.nn as nn\n"
        "print(type(torch.ones(1)).__module__.split('.')[0] in ('torch', 'jtorch'), torch.tensor([1.5]).exp())\n"
        "print(nn.functional.softplus(torch.tensor([0.25, -2.0])))\n"
    )
    which = tmp_path_factory.mktemp("src") / "which_torch.py"
    which.write_text("import jtorch as torch\nprint(torch.__name__)\n")
    examples = [(os.path.join(TUTORIAL, name), args) for name, args in EXAMPLES]
    return parity.compare_many(
        [*PROGRAMS, str(diverging), str(as_jtorch), str(which), *examples],
        keep=str(tmp_path_factory.mktemp("runs")),
        timeout=1200,
    )


def test_at_least_15_programs():
    assert len(PROGRAMS) >= 15


@pytest.mark.parametrize("program", PROGRAMS, ids=[os.path.basename(p) for p in PROGRAMS])
def test_program_agrees_with_torch(results, program):
    status, text = results[program]
    assert status == 0, text
    assert text.endswith("AGREE")


def test_script_importing_jtorch_as_torch_compares_with_real_torch(results):
    (key,) = [k for k in results if k.endswith("import_jtorch_as_torch.py")]
    status, text = results[key]
    assert status == 0 and "2 stdout lines, 3 numbers" in text, text
    (key,) = [k for k in results if k.endswith("which_torch.py")]
    assert "differs in text:\n  torch : torch\n  jtorch: jtorch" in results[key][1]


def test_tensorboard_scalars_compared(results):
    status, text = results[os.path.join(HERE, "programs", "09_tensorboard_scalars.py")]
    assert status == 0 and " 60 tensorboard scalars compared" in text, text


def test_random_stream_divergence_is_reported(results):
    (key,) = [k for k in results if k.endswith("random_stream.py")]
    status, text = results[key]
    assert status == 1
    assert "FIRST DIVERGENCE" in text and "stdout line 1, number 1: torch " in text and "relative error" in text


def test_cli_exit_status_and_summary(tmp_path, capsys):
    with pytest.raises(SystemExit) as e:
        parity.main([os.path.join(HERE, "programs", "02_autograd.py")])
    assert e.value.code == 0
    assert capsys.readouterr().out.strip().endswith("AGREE")
    bad = tmp_path / "bad.py"
    bad.write_text(
        textwrap.dedent(
            """
            import torch
            print("value", 1.0 if torch.__name__ == "torch" else 1.5)
            """
        )
    )
    with pytest.raises(SystemExit) as e:
        parity.main(["--rtol", "0.1", str(bad)])
    assert e.value.code == 1
    out = capsys.readouterr().out
    assert "stdout line 1, number 1: torch 1.0, jtorch 1.5, relative error 0.5" in out, out


def test_stdout_comparison_rules():
    rep = parity.Report()
    parity.compare_stdout("loss 1.0000 step 3\n", "loss 1.00001 step 3\n", 1e-4, 0.0, [], rep)
    assert rep.divergence is None and rep.numbers == 2
    rep = parity.Report()
    parity.compare_stdout("time 3.2s\nloss nan\n", "time 9.9s\nloss nan\n", 1e-4, 0.0, ["^time"], rep)
    assert rep.divergence is None and rep.lines == 1
    rep = parity.Report()
    parity.compare_stdout("a 1\n", "b 1\n", 1e-4, 0.0, [], rep)
    assert "differs in text" in rep.divergence
    rep = parity.Report()
    parity.compare_stdout("a 1\nb 2\n", "a 1\n", 1e-4, 0.0, [], rep)
    assert "torch printed 2 lines, jtorch 1" in rep.divergence


def test_every_tutorial_example_is_compared():
    shipped = sorted(os.path.basename(p) for p in glob.glob(os.path.join(TUTORIAL, "t[0-9]_*.py")))
    assert shipped == sorted(name for name, _ in EXAMPLES)


@pytest.mark.parametrize("name", [n for n, _ in EXAMPLES])
def test_tutorial_example_agrees_with_torch(results, name):
    status, text = results[os.path.abspath(os.path.join(TUTORIAL, name))]
    assert status == 0, text
    assert text.endswith("AGREE")
    if name == "t7_tensorboard.py":
        assert " 31 tensorboard scalars compared" in text, text  # 30 losses and the PR curve's first value
