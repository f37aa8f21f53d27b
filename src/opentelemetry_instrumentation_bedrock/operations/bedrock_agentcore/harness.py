"""AgentCore Harness: InvokeHarness, a managed agent loop (model, tools, hooks) answering with a
ConverseStream-like event stream. One ``invoke_agent`` CLIENT span, read with the ConverseStream reader
(``converse_stream.read_event``: usage with cache tokens, ``metrics.latencyMs``, the stop reason), plus:

- the model from whichever provider config the request names (Bedrock, OpenAI, Gemini, LiteLLM) as
  ``gen_ai.request.model``, its parameters as the ``gen_ai.request.*`` attributes, and the cost of the
  reported usage at that model's price (when it is a Bedrock model we know the price of);
- an ``execute_tool {name}`` child span for each tool the harness ran (a ``toolUse`` block followed in
  the stream by the ``toolResult`` for its id): from the end of the model's tool-use block to the end
  of the result block, as the events arrived; a result with status ``error`` is ``error.type``
  ``tool_error``. A tool use with no result in the stream is the app's to run (stop reason
  ``tool_use``): no span;
- a span event per hook decision (``hookEvent``: name, type, decision; never the reason text).

Where usage lives (docs/agentcore.md, research usage rule): the harness's model calls happen on the
service side and appear nowhere else in the trace, so its ``metadata.usage`` is on this span only, once;
the tool children carry none. Token metrics are the inference metrics (``chat`` spans) and are not
recorded for an agent span, as the conventions define them.
"""

from __future__ import annotations

from collections.abc import Mapping
from time import time_ns
from typing import Any, Optional

from opentelemetry.trace import SpanKind, Status, StatusCode, set_span_in_context
from opentelemetry.util.types import AttributeValue

from ...content.assembly import Assembler
from ...models.base import put_params
from ...telemetry import names as sc
from ...telemetry.call import Call
from ...telemetry.facts import ResponseFacts, as_int, as_mapping, as_str
from ...wire.streaming import EventReader
from ..base import Attributes, RequestInfo
from ..converse_stream import read_event
from .common import AgentCoreOperation, put_str

# Provider config member -> the name we give the model's provider (aws.bedrock.agentcore.harness.model_provider).
PROVIDER_CONFIGS = (
    ("bedrockModelConfig", "aws.bedrock"),
    ("openAiModelConfig", "openai"),
    ("geminiModelConfig", "gcp.gemini"),
    ("liteLlmModelConfig", "litellm"),
)
# The harness's tool-use type -> gen_ai.tool.type.
TOOL_TYPES = {"tool_use": "function", "server_tool_use": "extension", "mcp_tool_use": "extension"}
TOOL_ERROR = "tool_error"


def model_config(api_params: Mapping[str, Any]) -> tuple[Optional[str], Mapping[str, Any]]:
    """(provider, config) of the first provider config the request names."""
    model = as_mapping(api_params.get("model"))
    for member, provider in PROVIDER_CONFIGS:
        config = as_mapping(model.get(member))
        if config:
            return provider, config
    return None, {}


class HarnessTools:
    """Turns the stream's tool-use and tool-result blocks into ``execute_tool`` child spans."""

    __slots__ = ("_blocks", "_call", "_context", "_uses")

    def __init__(self, call: Call) -> None:
        self._call = call
        self._context = set_span_in_context(call.span)
        self._blocks: dict[Any, tuple[str, str]] = {}  # open block index -> ("use" | "result", toolUseId)
        self._uses: dict[str, dict[str, Any]] = {}  # toolUseId -> name, type, ended (ns), status

    def read(self, event: Mapping[str, Any]) -> None:
        start = as_mapping(event.get("contentBlockStart"))
        if start:
            self._start(start)
            return
        stop = as_mapping(event.get("contentBlockStop"))
        if stop:
            self._stop(stop.get("contentBlockIndex"))

    def _start(self, start: Mapping[str, Any]) -> None:
        index = start.get("contentBlockIndex")
        block = as_mapping(start.get("start"))
        use = as_mapping(block.get("toolUse"))
        result = as_mapping(block.get("toolResult"))
        if use:
            use_id = as_str(use.get("toolUseId"))
            if use_id is not None and len(self._uses) < 1024:
                self._uses[use_id] = {
                    "name": as_str(use.get("name")),
                    "type": as_str(use.get("type")),
                    "at": time_ns(),
                }
                self._blocks[index] = ("use", use_id)
        elif result:
            use_id = as_str(result.get("toolUseId"))
            if use_id is not None and use_id in self._uses:
                self._uses[use_id]["status"] = as_str(result.get("status"))
                self._blocks[index] = ("result", use_id)

    def _stop(self, index: Any) -> None:
        kind, use_id = self._blocks.pop(index, ("", ""))
        use = self._uses.get(use_id)
        if use is None:
            return
        if kind == "use":
            use["at"] = time_ns()  # the model finished asking: the tool runs from here
        elif kind == "result":
            del self._uses[use_id]
            self._span(use_id, use)

    def _span(self, use_id: str, use: Mapping[str, Any]) -> None:
        name = use.get("name")
        attrs: dict[str, AttributeValue] = {
            sc.GEN_AI_OPERATION_NAME: sc.OP_EXECUTE_TOOL,
            sc.GEN_AI_PROVIDER_NAME: sc.PROVIDER_AWS_BEDROCK,
        }
        if name is not None:
            attrs[sc.GEN_AI_TOOL_NAME] = name
        tool_type = TOOL_TYPES.get(use.get("type") or "tool_use")
        if tool_type is not None:
            attrs[sc.GEN_AI_TOOL_TYPE] = tool_type
        metric_attrs = dict(attrs)
        attrs[sc.GEN_AI_TOOL_CALL_ID] = use_id
        failed = use.get("status") == "error"
        if failed:
            attrs[sc.ERROR_TYPE] = TOOL_ERROR
            metric_attrs[sc.ERROR_TYPE] = TOOL_ERROR
        telemetry = self._call.telemetry
        span = telemetry.tracer.start_span(
            f"{sc.OP_EXECUTE_TOOL} {name}" if name is not None else sc.OP_EXECUTE_TOOL,
            context=self._context,
            kind=SpanKind.INTERNAL,
            attributes=attrs,
            start_time=use.get("at"),
        )
        if failed:
            span.set_status(Status(StatusCode.ERROR, TOOL_ERROR))
        end = time_ns()
        span.end(end_time=end)
        started = use.get("at")
        if isinstance(started, int):
            duration = max(0, end - started) / 1e9
            telemetry.execute_tool_duration.record(duration, metric_attrs, set_span_in_context(span))


def _hook(call: Call, hook: Mapping[str, Any]) -> None:
    """A hook decision as a span event on the harness span (bounded: no reason text)."""
    attrs: dict[str, AttributeValue] = {}
    for name, key in (
        (sc.AWS_BEDROCK_AGENTCORE_HOOK_NAME, "name"),
        (sc.AWS_BEDROCK_AGENTCORE_HOOK_TYPE, "type"),
        (sc.AWS_BEDROCK_AGENTCORE_HOOK_DECISION, "decision"),
    ):
        value = as_str(hook.get(key))
        if value is not None:
            attrs[name] = value
    if call.span.is_recording():
        call.span.add_event(sc.AWS_BEDROCK_AGENTCORE_HOOK_EVENT, attrs)


class InvokeHarness(AgentCoreOperation):
    """``invoke_agent``: the harness ARN as ``gen_ai.agent.id``, the session as the conversation."""

    stream_member = "stream"

    def parse_request(self, api_params: Mapping[str, Any]) -> Optional[RequestInfo]:
        attrs: Attributes = {}
        put_str(attrs, sc.GEN_AI_AGENT_ID, api_params.get("harnessArn"))
        put_str(attrs, sc.AWS_BEDROCK_AGENTCORE_QUALIFIER, api_params.get("qualifier"))
        put_str(attrs, sc.GEN_AI_CONVERSATION_ID, api_params.get("runtimeSessionId"))
        provider, config = model_config(api_params)
        if provider is not None:
            attrs[sc.AWS_BEDROCK_AGENTCORE_HARNESS_MODEL_PROVIDER] = provider
        max_tokens = config.get("maxTokens", api_params.get("maxTokens"))
        put_params(
            attrs,
            max_tokens=max_tokens,
            temperature=config.get("temperature"),
            top_p=config.get("topP"),
            top_k=config.get("topK"),
        )
        iterations = as_int(api_params.get("maxIterations"))
        if iterations is not None:
            attrs[sc.AWS_BEDROCK_AGENTCORE_HARNESS_MAX_ITERATIONS] = iterations
        info = RequestInfo(sc.OP_INVOKE_AGENT, as_str(config.get("modelId")), attrs)
        info.target = (
            ""  # an agent span is named by the agent's name (which the request lacks), not the model
        )
        return info

    def request_content(self, api_params: Mapping[str, Any], info: RequestInfo) -> Any:
        """With capture on: the messages and system prompt, in Converse's shape (the harness's own)."""
        from ...content import converse_shape

        if info.capture is None:
            return None
        body = {"messages": api_params.get("messages"), "system": api_params.get("systemPrompt")}
        return converse_shape.request(body, info.capture)

    def event_reader(self, info: RequestInfo, assembler: Optional[Assembler]) -> EventReader:
        call: Optional[Call] = info.call
        tools = HarnessTools(call) if call is not None else None

        def read(event: Mapping[str, Any], facts: ResponseFacts) -> bool:
            output = read_event(event, facts)
            if tools is not None:
                tools.read(event)
                hook = as_mapping(event.get("hookEvent"))
                if hook and call is not None:
                    _hook(call, hook)
            return output

        return read
