"""The operations we instrument, keyed by botocore operation name for a single dict lookup per call."""

from __future__ import annotations

from .agentic_retrieve import AgenticRetrieveStream
from .agents import InvokeAgent, InvokeInlineAgent, Retrieve, RetrieveAndGenerate, RetrieveAndGenerateStream
from .apply_guardrail import ApplyGuardrail
from .async_invoke import GetAsyncInvoke, ListAsyncInvokes, StartAsyncInvoke
from .base import Operation
from .bedrock_agentcore import AGENTCORE_OPERATIONS
from .converse import Converse
from .converse_stream import ConverseStream
from .count_tokens import CountTokens
from .flows import GetFlowExecution, InvokeFlow, ListFlowExecutionEvents, StartFlowExecution
from .guardrail_checks import InvokeGuardrailChecks
from .invoke_model import InvokeModel
from .invoke_stream import InvokeModelWithResponseStream
from .rerank import Rerank

OPERATIONS: dict[str, Operation] = {
    **AGENTCORE_OPERATIONS,  # bedrock-agentcore (operations/bedrock_agentcore/)
    "Converse": Converse(),
    "ConverseStream": ConverseStream(),
    "InvokeModel": InvokeModel(),
    "InvokeModelWithResponseStream": InvokeModelWithResponseStream(),
    "CountTokens": CountTokens(),
    "ApplyGuardrail": ApplyGuardrail(),
    "StartAsyncInvoke": StartAsyncInvoke(),
    "GetAsyncInvoke": GetAsyncInvoke(),
    "ListAsyncInvokes": ListAsyncInvokes(),
    # bedrock-agent-runtime
    "InvokeAgent": InvokeAgent(),
    "InvokeInlineAgent": InvokeInlineAgent(),
    "Retrieve": Retrieve(),
    "RetrieveAndGenerate": RetrieveAndGenerate(),
    "RetrieveAndGenerateStream": RetrieveAndGenerateStream(),
    "InvokeGuardrailChecks": InvokeGuardrailChecks(),
    "Rerank": Rerank(),
    "InvokeFlow": InvokeFlow(),
    "StartFlowExecution": StartFlowExecution(),
    "GetFlowExecution": GetFlowExecution(),
    "ListFlowExecutionEvents": ListFlowExecutionEvents(),
    "AgenticRetrieveStream": AgenticRetrieveStream(),
}
