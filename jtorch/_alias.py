"""The ``torch`` import alias: ``import torch`` (and every ``torch.*`` module) resolves to jtorch.

``install_torch_alias()`` puts a ``sys.meta_path`` finder first that answers ``torch`` and ``torch.X.Y``
with the already-imported modules ``jtorch`` and ``jtorch.X.Y`` (the same module objects, so
``torch.nn is jtorch.nn`` and isinstance checks agree). A ``torch.*`` module jtorch lacks raises
``ModuleNotFoundError`` naming it as not implemented in jtorch yet, and a missing attribute of a jtorch
module raises ``AttributeError`` saying the same (``jtorch`` modules get a module ``__getattr__``).

Spawned child processes (DataLoader workers, ``multiprocessing`` with the spawn start method) re-run
the parent's ``__main__`` before anything else; the alias is made active there by prefixing the child's
``-c`` bootstrap (``multiprocessing.spawn.get_command_line``) with ``install_torch_alias()``,.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
import types

# torch submodules jtorch does not have yet; an import or attribute access names them clearly.
_NOT_IMPLEMENTED_MSG = "{name} is not implemented in jtorch yet"


def _not_implemented(torch_name: str) -> str:
    return _NOT_IMPLEMENTED_MSG.format(name=torch_name)


def _torch_name(jtorch_name: str) -> str:
    return jtorch_name[1:] if jtorch_name.startswith("jtorch") else jtorch_name


def _make_getattr(module: types.ModuleType):
    """A module ``__getattr__`` whose AttributeError says the torch name is not implemented in jtorch yet."""
    torch_mod = _torch_name(module.__name__)

    def __getattr__(name: str):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(f"module '{torch_mod}' has no attribute '{name}'")
        raise AttributeError(
            f"module '{torch_mod}' has no attribute '{name}' — {torch_mod}.{name} is not implemented in jtorch yet"
        )

    __getattr__._jtorch_alias = True
    return __getattr__


def add_missing_attribute_errors(module: types.ModuleType) -> None:
    """Give a jtorch module a clear AttributeError for torch names it lacks (unless it has its own ``__getattr__``)."""
    if "__getattr__" not in vars(module):
        module.__getattr__ = _make_getattr(module)


class _AliasLoader(importlib.abc.Loader):
    """Returns the already-imported jtorch module as the torch module, keeping its own ``__spec__``."""

    def __init__(self, module: types.ModuleType):
        self.module = module
        self.spec = module.__spec__

    def create_module(self, spec):
        return self.module

    def exec_module(self, module):
        # importlib set __spec__ to the alias spec; the module keeps its real identity (pickling, reload).
        module.__spec__ = self.spec


class TorchAliasFinder(importlib.abc.MetaPathFinder):
    """Maps ``torch`` and ``torch.*`` imports to ``jtorch`` and ``jtorch.*``."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "torch" and not fullname.startswith("torch."):
            return None
        real = "j" + fullname
        try:
            module = importlib.import_module(real)
        except ModuleNotFoundError as e:
            if e.name is not None and (real == e.name or real.startswith(e.name + ".")) and e.name != "jtorch":
                raise ModuleNotFoundError(
                    f"No module named '{fullname}' — {_torch_name(e.name)} is not implemented in jtorch yet",
                    name=fullname,
                ) from None
            raise
        add_missing_attribute_errors(module)
        is_pkg = hasattr(module, "__path__")
        return importlib.util.spec_from_loader(fullname, _AliasLoader(module), is_package=is_pkg)


_FINDER = TorchAliasFinder()
_SPAWN_PREFIX = "import jtorch._alias as _a; _a.install_torch_alias(); "


def _patched_get_command_line(**kwds):
    cmd = _orig_get_command_line(**kwds)
    if "-c" in cmd:
        i = cmd.index("-c") + 1
        if not cmd[i].startswith(_SPAWN_PREFIX):
            cmd = [*cmd[:i], _SPAWN_PREFIX + cmd[i], *cmd[i + 1 :]]
    return cmd


_orig_get_command_line = None


def _patch_spawn() -> None:
    global _orig_get_command_line
    import multiprocessing.spawn as spawn

    if _orig_get_command_line is None:
        _orig_get_command_line = spawn.get_command_line
        spawn.get_command_line = _patched_get_command_line


def is_installed() -> bool:
    return _FINDER in sys.meta_path


def install_torch_alias() -> None:
    """Make ``import torch`` (and ``torch.*``) import jtorch in this process and in its spawned children.

    Raises RuntimeError if the real PyTorch was already imported here: modules holding references to it
    cannot be redirected, so the alias must be installed before anything imports torch.
    """
    import jtorch

    existing = sys.modules.get("torch")
    if existing is not None and existing is not jtorch:
        raise RuntimeError(
            "install_torch_alias(): the real PyTorch is already imported in this process "
            f"({getattr(existing, '__file__', existing)}); install the alias before anything imports torch "
            "(restart the kernel / interpreter and call jtorch.install_torch_alias() first)."
        )
    if not is_installed():
        sys.meta_path.insert(0, _FINDER)
    add_missing_attribute_errors(jtorch)
    # Submodules already imported under their jtorch names become visible under torch.* too.
    for name, mod in list(sys.modules.items()):
        if mod is not None and (name == "jtorch" or name.startswith("jtorch.")):
            sys.modules.setdefault(name[1:], mod)
            if isinstance(mod, types.ModuleType):
                add_missing_attribute_errors(mod)
    _patch_spawn()


def uninstall_torch_alias() -> None:
    """Remove the alias (the ``torch`` entries in ``sys.modules`` that point at jtorch modules go too)."""
    global _orig_get_command_line
    if is_installed():
        sys.meta_path.remove(_FINDER)
    for name, mod in list(sys.modules.items()):
        if (name == "torch" or name.startswith("torch.")) and getattr(mod, "__name__", "").startswith("jtorch"):
            del sys.modules[name]
    if _orig_get_command_line is not None:
        import multiprocessing.spawn as spawn

        spawn.get_command_line = _orig_get_command_line
        _orig_get_command_line = None
