"""Run a hook right after a module is imported, without importing it ourselves.

``instrument()`` must not import aiobotocore (and aiohttp with it: ~100 ms and ~140 modules) in every
process that has it installed; it patches aiobotocore when the app imports it. A ``sys.meta_path``
finder asks the other finders for the module's spec and chains its loader: after the module has run, the
module's ``__loader__`` and ``__spec__.loader`` are put back to the original loader (the app sees the
module exactly as uninstrumented) and the hook runs. If the module is already imported, the hook runs
at once. ``cancel()`` removes the finder.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Sequence
from importlib.abc import Loader, MetaPathFinder
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any, Callable, Optional

from ..bugs import report

Hook = Callable[[ModuleType], None]


class _ChainedLoader(Loader):
    """The original loader, then the hook."""

    def __init__(self, original: Loader, spec: ModuleSpec, watch: PostImportHook) -> None:
        self._original = original
        self._spec = spec
        self._watch = watch

    def create_module(self, spec: ModuleSpec) -> Optional[ModuleType]:
        return self._original.create_module(spec)

    def __getattr__(self, name: str) -> Any:
        # get_source, get_code, is_package...: the original's, while the module runs (tracebacks show
        # its source lines as uninstrumented).
        if name == "_original":
            raise AttributeError(name)
        return getattr(self._original, name)

    def exec_module(self, module: ModuleType) -> None:
        try:
            self._original.exec_module(module)
        finally:
            self._spec.loader = self._original
            if getattr(module, "__loader__", None) is self:
                module.__loader__ = self._original
        self._watch.fire(module)


class PostImportHook(MetaPathFinder):
    """Calls ``hook(module)`` once, when ``name`` is (or already was) imported."""

    def __init__(self, name: str, hook: Hook) -> None:
        self.name = name
        self._hook = hook
        self._fired = False
        self._lock = threading.Lock()

    def start(self) -> PostImportHook:
        sys.meta_path.insert(0, self)
        module = sys.modules.get(self.name)  # checked after inserting: no import slips between the two
        if module is not None:
            self.fire(module)
        return self

    def find_spec(
        self, fullname: str, path: Optional[Sequence[str]], target: Optional[ModuleType] = None
    ) -> Optional[ModuleSpec]:
        if fullname != self.name or self._fired:
            return None
        for finder in list(sys.meta_path):
            if finder is self:
                continue
            find: Any = getattr(finder, "find_spec", None)
            spec: Optional[ModuleSpec] = find(fullname, path, target) if find is not None else None
            if spec is not None:
                if spec.loader is None or not hasattr(spec.loader, "exec_module"):
                    return spec  # a namespace package or a legacy loader: imported as is, not hooked
                spec.loader = _ChainedLoader(spec.loader, spec, self)
                return spec
        return None

    def fire(self, module: ModuleType) -> None:
        with self._lock:
            if self._fired:
                return
            self._fired = True
        self.cancel()
        try:
            self._hook(module)
        except Exception:  # never into the app's import statement
            report("failed to run a post-import hook", self.name)

    def cancel(self) -> None:
        """Stop watching (the hook will not run if it has not yet)."""
        self._fired = True
        try:
            sys.meta_path.remove(self)
        except ValueError:
            pass
