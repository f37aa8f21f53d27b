"""Converse: one request/response schema for every model; usage and latency are always in the body."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional

from ..content import converse_shape
from ..content.request import RequestContent
from ..models.base import put_params, set_identity, set_usage
from ..telemetry import names as sc
from ..telemetry.facts import ResponseFacts, as_int, as_mapping, as_str
from ..telemetry.finish_reasons import normalize
from ..telemetry.guardrails import note_trace
from .base import (
    Attributes,
    Operation,
    RequestInfo,
    guardrail_attributes,
    model_id_of,
    prompt_attributes,
    request_context,
)
from .cache_ttls import cache_write_ttls


def request_attributes(api_params: Mapping[str, Any]) -> Attributes:
    """Parameters from ``inferenceConfig``, plus the model-specific ones users pass through
    ``additionalModelRequestFields`` (``top_k``/``topK``, Nova's nested ``inferenceConfig``, ``seed``)."""
    attrs: Attributes = {}
    get = api_params.get
    config = as_mapping(get("inferenceConfig"))
    extra = as_mapping(get("additionalModelRequestFields"))
    top_k = seed = None
    if extra:  # absent (most requests): nothing to look up
        extra_config = as_mapping(extra.get("inferenceConfig"))
        top_k = extra.get("top_k", extra.get("topK", extra_config.get("topK", extra_config.get("top_k"))))
        seed = extra.get("seed", extra.get("random_seed"))
    if config or top_k is not None or seed is not None:
        put_params(
            attrs,
            max_tokens=config.get("maxTokens"),
            temperature=config.get("temperature"),
            top_p=config.get("topP"),
            top_k=top_k,
            stop=config.get("stopSequences"),
            seed=seed,
        )
    output = get("outputConfig")
    if output is not None:
        output = as_mapping(output)
        effort = as_str(output.get("effort"))
        if effort:
            attrs[sc.GEN_AI_REQUEST_REASONING_LEVEL] = effort  # the exact value sent, as the conventions ask
        if as_mapping(output.get("textFormat")).get("type") == "json_schema":
            attrs[sc.GEN_AI_OUTPUT_TYPE] = "json"
    prompt_attributes(attrs, model_id_of(api_params))
    guardrail = get("guardrailConfig")
    if guardrail is not None:
        guardrail = as_mapping(guardrail)
        guardrail_attributes(attrs, guardrail.get("guardrailIdentifier"), guardrail.get("guardrailVersion"))
    tier, latency = get("serviceTier"), get("performanceConfig")
    if tier is not None or latency is not None:
        request_context(attrs, as_mapping(tier).get("type"), as_mapping(latency).get("latency"))
    return attrs


def response_facts(result: Mapping[str, Any], facts: ResponseFacts) -> None:
    """``usage`` (input excludes cache, as Bedrock reports it), ``metrics.latencyMs``, ``stopReason``,
    and the model a prompt router chose (``trace.promptRouter.invokedModelId``) as the response model.
    Also reads a ConverseStream ``metadata`` event, which has the same members."""
    usage = as_mapping(result.get("usage"))
    set_usage(
        facts,
        usage.get("inputTokens"),
        usage.get("outputTokens"),
        usage.get("cacheReadInputTokens"),
        usage.get("cacheWriteInputTokens"),
    )
    if "cacheDetails" in usage:
        facts.cache_write_ttls = cache_write_ttls(usage.get("cacheDetails"))
    latency_ms = as_int(as_mapping(result.get("metrics")).get("latencyMs"))
    if latency_ms is not None:
        facts.server_latency_s = latency_ms / 1000.0
    stop_reason(facts, result.get("stopReason"))
    # Members most responses lack cost one comparison each.
    trace = result.get("trace")
    if trace is not None:
        trace = as_mapping(trace)
        set_identity(facts, model=as_mapping(trace.get("promptRouter")).get("invokedModelId"))
        note_trace(facts, trace.get("guardrail"))
    tier = result.get("serviceTier")
    if tier is not None:
        facts.response_service_tier = as_str(as_mapping(tier).get("type")) or facts.response_service_tier
    latency_mode = result.get("performanceConfig")
    if latency_mode is not None:
        latency_mode = as_mapping(latency_mode).get("latency")
        facts.response_latency_mode = as_str(latency_mode) or facts.response_latency_mode


def stop_reason(facts: ResponseFacts, raw: Any) -> None:
    """``stopReason``, normalised; ``guardrail_intervened`` also marks an intervention."""
    reason = normalize(raw)
    if reason is not None:
        facts.finish_reasons = (reason,)
    if raw == "guardrail_intervened":
        facts.guardrail_intervened = True


class Converse(Operation):
    """The non-streaming Converse API."""

    def parse_request(self, api_params: Mapping[str, Any]) -> Optional[RequestInfo]:
        return RequestInfo(sc.OP_CHAT, model_id_of(api_params), request_attributes(api_params))

    def parse_response(
        self, info: RequestInfo, result: dict[str, Any], headers: Mapping[str, Any], facts: ResponseFacts
    ) -> dict[str, Any]:
        response_facts(result, facts)
        if info.capture is not None:
            facts.output_messages = converse_shape.response(result, info.capture)
        return result

    def request_content(self, api_params: Mapping[str, Any], info: RequestInfo) -> Optional[RequestContent]:
        return converse_shape.request(api_params, info.capture) if info.capture is not None else None
