"""The reader of an agent's ``completion`` stream (InvokeAgent, InvokeInlineAgent).

``chunk`` events are the answer (output chunks; their text only with content capture on), ``trace``
events go to the trace rebuilder, ``returnControl`` hands tool calls back to the application and
``files`` carries files the agent produced (counted, never read).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional

from ..content.assembly import Assembler
from ..telemetry import names as sc
from ..telemetry.facts import ResponseFacts, as_mapping
from ..wire.streaming import EventReader
from .agent_return import file_count, record_return_control
from .agent_trace import AgentTrace
from .base import RequestInfo

_GUARDRAIL_KEYS = (sc.AWS_BEDROCK_GUARDRAIL_ID, sc.AWS_BEDROCK_GUARDRAIL_VERSION)


def agent_reader(info: RequestInfo, assembler: Optional[Assembler]) -> EventReader:
    call = info.call
    trace: Optional[AgentTrace] = None
    if call is not None:
        guardrail = {k: v for k, v in info.attributes.items() if k in _GUARDRAIL_KEYS}
        trace = AgentTrace(call.telemetry, call.span, guardrail)
    returned = [0]  # tool calls handed back so far

    def read(event: Mapping[str, Any], facts: ResponseFacts) -> bool:
        if "chunk" in event:
            if assembler is not None:
                data = as_mapping(event["chunk"]).get("bytes")
                if isinstance(data, bytes):
                    assembler.text(0, data.decode("utf-8", "replace"))
            return True
        part = event.get("trace")
        if part is not None and trace is not None:
            if facts.on_end is None:
                facts.on_end = trace.close
            trace.add(as_mapping(part))
            trace.publish(facts)
            if returned[0]:
                _handed_back(trace, facts, returned[0])
            return False
        control = event.get("returnControl")
        if control is not None and call is not None:
            returned[0] += record_return_control(as_mapping(control), call.span, assembler)
            if trace is not None and facts.agent_calls is not None:  # no trace: the counts are unknown
                _handed_back(trace, facts, returned[0])
            facts.finish_reasons = (sc.FINISH_TOOL_CALL,)
            return False
        files = event.get("files")
        if files is not None:
            extra = facts.extra()
            count = int(extra.get(sc.AWS_BEDROCK_AGENT_FILES_COUNT, 0)) + file_count(as_mapping(files))
            extra[sc.AWS_BEDROCK_AGENT_FILES_COUNT] = count
        return False

    return read


def _handed_back(trace: AgentTrace, facts: ResponseFacts, count: int) -> None:
    """Tool calls handed back are the invoked agent's tool calls too (counted once, here)."""
    root = trace.root
    facts.agent_calls = (root.inference_calls, root.tool_calls + count)
    facts.finish_reasons = (sc.FINISH_TOOL_CALL,)
