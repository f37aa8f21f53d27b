"""The contract between the patch and one Bedrock API, and helpers every API shares."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Callable, Optional

from opentelemetry.util.types import AttributeValue

from ..config import CaptureConfig
from ..content.assembly import Assembler
from ..content.request import RequestContent
from ..telemetry import names as sc
from ..telemetry.facts import ResponseFacts, as_int, as_mapping, as_str
from ..wire.streaming import EventReader

Attributes = dict[str, AttributeValue]


class RequestInfo:
    """What the request tells us before the call: enough to name the span and let samplers decide."""

    __slots__ = (
        "attributes",
        "body",
        "call",
        "capture",
        "metric_attributes",
        "model",
        "operation",
        "state",
        "target",
    )

    def __init__(
        self,
        operation: str,
        model: Optional[str],
        attributes: Attributes,
        state: Any = None,
        body: Optional[Mapping[str, Any]] = None,
    ) -> None:
        self.operation = operation
        self.model = model
        self.attributes = attributes
        self.state = state
        self.body = body  # the parsed request body (InvokeModel), for content capture
        self.capture: Optional[CaptureConfig] = None  # set by the patch when content capture is on
        self.target: Optional[str] = None  # names the span instead of the model (guardrail id, agent)
        self.call: Any = None  # the call, once started (agents hang child spans under it)
        # Request attributes the call's metric points carry too (an agent's or a workflow's name).
        self.metric_attributes: Optional[Attributes] = None


class Operation:
    """One botocore operation. Subclasses implement the pure halves; all may raise (the patch guards
    them), none may change ``api_params`` or the parsed response it is handed.

    A streaming operation names the result member holding the ``EventStream`` and supplies a reader
    for its events instead of ``parse_response``; the patch wraps the stream.
    """

    service = "bedrock-runtime"
    stream_member: Optional[str] = None
    propagates = False  # True: ``outgoing_params`` may add trace context members (AgentCore)
    # A streaming payload member observed like InvokeModel's body (``hooks.botocore.observe_body``, which
    # then also calls ``needs_body``, ``body_parser`` and ``stream_facts``), and its observer's class.
    body_member: Optional[str] = None
    body_observer: Optional[Callable[..., Any]] = None

    def parse_request(self, api_params: Mapping[str, Any]) -> Optional[RequestInfo]:
        raise NotImplementedError

    def parse_response(
        self, info: RequestInfo, result: dict[str, Any], headers: Mapping[str, Any], facts: ResponseFacts
    ) -> dict[str, Any]:
        """Fill ``facts`` from ``result`` (``headers``: its lower-cased HTTP headers, read once by the
        patch); return the result to hand back (a copy if a body was replaced)."""
        raise NotImplementedError

    def event_reader(self, info: RequestInfo, assembler: Optional[Assembler]) -> EventReader:
        """For streaming operations: the reader of this call's stream events; with content capture on,
        it also feeds ``assembler``."""
        raise NotImplementedError

    def stream_facts(self, result: Mapping[str, Any], facts: ResponseFacts) -> None:
        """For streaming operations: what the response carries besides its stream (a session id)."""

    def request_content(self, api_params: Mapping[str, Any], info: RequestInfo) -> Optional[RequestContent]:
        """With content capture on (``info.capture``): what the request sent."""
        return None

    def outgoing_params(
        self, client: Any, operation_name: str, api_params: Mapping[str, Any]
    ) -> Mapping[str, Any]:
        """For ``propagates``: the params botocore gets, run in our span's context: ``api_params`` or a
        copy with more members (never ``api_params`` changed)."""
        return api_params


def model_id_of(api_params: Mapping[str, Any]) -> Optional[str]:
    """The modelId exactly as the user passed it, or None when it is missing or not a string."""
    return as_str(api_params.get("modelId"))


def prompt_attributes(attrs: Attributes, model_id: Optional[str]) -> None:
    """A Prompt management prompt passed as the model (``arn:aws:bedrock:REGION:ACCOUNT:prompt/ID`` or
    ``.../prompt/ID:VERSION``): ``gen_ai.prompt.name`` is its id, ``gen_ai.prompt.version`` its version."""
    if model_id is None or ":prompt/" not in model_id or not model_id.startswith("arn:"):
        return
    name, _, version = model_id.split(":prompt/", 1)[1].partition(":")
    if name:
        attrs[sc.GEN_AI_PROMPT_NAME] = name
        if version:
            attrs[sc.GEN_AI_PROMPT_VERSION] = version


def guardrail_attributes(attrs: Attributes, identifier: Any, version: Any) -> None:
    """``aws.bedrock.guardrail.id`` (and our version attribute) when a guardrail is configured."""
    guardrail_id = as_str(identifier)
    if guardrail_id is not None:
        attrs[sc.AWS_BEDROCK_GUARDRAIL_ID] = guardrail_id
        guardrail_version = as_str(version)
        if guardrail_version is not None:
            attrs[sc.AWS_BEDROCK_GUARDRAIL_VERSION] = guardrail_version


def response_metadata(result: Mapping[str, Any]) -> tuple[Optional[str], Mapping[str, Any]]:
    """(request id, lower-cased HTTP headers) from botocore's ``ResponseMetadata``."""
    meta = as_mapping(result.get("ResponseMetadata"))
    return as_str(meta.get("RequestId")), as_mapping(meta.get("HTTPHeaders"))


def apply_bedrock_figures(
    facts: ResponseFacts,
    input_tokens: Any,
    output_tokens: Any,
    cache_read: Any,
    cache_write: Any,
    latency_ms: Any,
    first_byte_ms: Any = None,
) -> None:
    """Bedrock's own token counts and latencies, which win over what the model's body reported.

    They are what Bedrock bills (the semconv asks for billable tokens), and they sometimes differ from
    the body: a recorded Claude stream reports 133 output tokens in ``message_delta`` and 97 in the
    trailer. They also exist for every model, known or not. Like the bodies, Bedrock reports input
    tokens without cache reads and writes.
    """
    if input_tokens is not None:  # an absent figure costs one comparison
        count = as_int(input_tokens)
        if count is not None:
            facts.input_tokens = count
    if output_tokens is not None:
        count = as_int(output_tokens)
        if count is not None:
            facts.output_tokens = count
    if cache_read is not None:
        count = as_int(cache_read)
        if count is not None:
            facts.cache_read_tokens = count
    if cache_write is not None:
        count = as_int(cache_write)
        if count is not None:
            facts.cache_write_tokens = count
    if latency_ms is not None:
        latency = as_int(latency_ms)
        if latency is not None:
            facts.server_latency_s = latency / 1000.0
    if first_byte_ms is not None:
        first_byte = as_int(first_byte_ms)
        if first_byte is not None:
            facts.server_ttft_s = first_byte / 1000.0


def request_context(attrs: Attributes, service_tier: Any, latency_mode: Any) -> None:
    """The service tier and latency mode the request asked for."""
    tier = as_str(service_tier)
    if tier is not None:
        attrs[sc.AWS_BEDROCK_REQUEST_SERVICE_TIER] = tier
    mode = as_str(latency_mode)
    if mode is not None:
        attrs[sc.AWS_BEDROCK_REQUEST_LATENCY_MODE] = mode


def response_context(facts: ResponseFacts, headers: Mapping[str, Any]) -> None:
    """The service tier and latency mode Bedrock applied, from its response headers."""
    facts.response_service_tier = (
        as_str(headers.get("x-amzn-bedrock-service-tier")) or facts.response_service_tier
    )
    facts.response_latency_mode = (
        as_str(headers.get("x-amzn-bedrock-performanceconfig-latency")) or facts.response_latency_mode
    )


def apply_headers(facts: ResponseFacts, headers: Mapping[str, Any]) -> None:
    """InvokeModel's ``X-Amzn-Bedrock-*`` token and latency headers."""
    response_context(facts, headers)
    apply_bedrock_figures(
        facts,
        headers.get("x-amzn-bedrock-input-token-count"),
        headers.get("x-amzn-bedrock-output-token-count"),
        headers.get("x-amzn-bedrock-cache-read-input-token-count"),
        headers.get("x-amzn-bedrock-cache-write-input-token-count"),
        headers.get("x-amzn-bedrock-invocation-latency"),
    )


def apply_trailer(facts: ResponseFacts, metrics: Mapping[str, Any]) -> None:
    """The ``amazon-bedrock-invocationMetrics`` object on the last chunk of an InvokeModel stream."""
    apply_bedrock_figures(
        facts,
        metrics.get("inputTokenCount"),
        metrics.get("outputTokenCount"),
        metrics.get("cacheReadInputTokenCount"),
        metrics.get("cacheWriteInputTokenCount"),
        metrics.get("invocationLatency"),
        metrics.get("firstByteLatency"),
    )
