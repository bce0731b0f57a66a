"""``python -m jtorch.run script.py [args]``: run an unmodified PyTorch program on jtorch.

Installs the ``torch`` import alias (``jtorch._alias``), then runs the script as ``__main__`` the way
``python script.py`` would: ``sys.argv`` is ``[script.py, args...]``, the script's directory is
``sys.path[0]``, ``if __name__ == "__main__"`` blocks run, and classes defined in the script pickle
(``runpy.run_path`` makes the script's module ``sys.modules['__main__']`` while it runs). ``-m module``
runs a module instead of a file, as ``python -m``.
"""

from __future__ import annotations

import os
import runpy
import sys

USAGE = "usage: python -m jtorch.run script.py [args ...]\n       python -m jtorch.run -m module [args ...]"


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(USAGE)
        raise SystemExit(0 if argv else 2)
    from jtorch._alias import install_torch_alias

    install_torch_alias()
    if argv[0] == "-m":
        if len(argv) < 2:
            print(USAGE, file=sys.stderr)
            raise SystemExit(2)
        sys.argv = argv[1:]
        sys.path.insert(0, os.getcwd())
        runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
        return
    script = argv[0]
    if not os.path.exists(script):
        print(f"python -m jtorch.run: can't open file '{os.path.abspath(script)}': No such file", file=sys.stderr)
        raise SystemExit(2)
    sys.argv = argv
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    runpy.run_path(script, run_name="__main__")


if __name__ == "__main__":
    main()
