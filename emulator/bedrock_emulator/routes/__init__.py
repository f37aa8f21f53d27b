"""One module per operation family. Every module in this folder is imported here, which registers
its path rules and handlers (``routing``): a new route is a new module, with no list to edit."""

from __future__ import annotations

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
