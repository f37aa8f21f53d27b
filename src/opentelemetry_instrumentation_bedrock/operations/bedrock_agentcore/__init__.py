"""bedrock-agentcore: the hosted agent runtime, the harness, its tools, memory and evaluations
(docs/agentcore.md). One module per family; ``AGENTCORE_OPERATIONS`` is merged into ``OPERATIONS``."""

from __future__ import annotations

from ..base import Operation
from .evaluate import Evaluate
from .harness import InvokeHarness
from .memory import (
    BatchCreateMemoryRecords,
    BatchDeleteMemoryRecords,
    BatchUpdateMemoryRecords,
    CreateEvent,
    RetrieveMemoryRecords,
)
from .runtime import InvokeAgentRuntime, InvokeAgentRuntimeCommand
from .tools import InvokeBrowser, InvokeCodeInterpreter, InvokeWebSearch

AGENTCORE_OPERATIONS: dict[str, Operation] = {
    "InvokeAgentRuntime": InvokeAgentRuntime(),
    "InvokeAgentRuntimeCommand": InvokeAgentRuntimeCommand(),
    "InvokeHarness": InvokeHarness(),
    "InvokeCodeInterpreter": InvokeCodeInterpreter(),
    "InvokeBrowser": InvokeBrowser(),
    "InvokeWebSearch": InvokeWebSearch(),
    "RetrieveMemoryRecords": RetrieveMemoryRecords(),
    "CreateEvent": CreateEvent(),
    "BatchCreateMemoryRecords": BatchCreateMemoryRecords(),
    "BatchUpdateMemoryRecords": BatchUpdateMemoryRecords(),
    "BatchDeleteMemoryRecords": BatchDeleteMemoryRecords(),
    "Evaluate": Evaluate(),
}
