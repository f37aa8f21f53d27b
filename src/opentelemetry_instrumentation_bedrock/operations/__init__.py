"""The operations we instrument, keyed by botocore operation name for a single dict lookup per call."""

from __future__ import annotations

from .base import Operation
from .converse import Converse
from .invoke_model import InvokeModel

OPERATIONS: dict[str, Operation] = {
    "Converse": Converse(),
    "InvokeModel": InvokeModel(),
}
