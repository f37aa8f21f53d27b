"""InvokeModel: the request and response bodies are the model family's own JSON schema."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional

from ..bugs import report
from ..content.request import RequestContent
from ..models import resolve
from ..models.base import ModelFamily
from ..telemetry import names as sc
from ..telemetry.facts import ResponseFacts
from ..telemetry.guardrails import note_action, note_trace
from ..wire.bodies import drain, parse_json
from .base import (
    Attributes,
    BodyReadFailed,
    Operation,
    RequestInfo,
    apply_headers,
    guardrail_attributes,
    model_id_of,
    request_context,
)


def parse_request_body(body: Any) -> Optional[Mapping[str, Any]]:
    """The request body as a JSON object, when it is bytes or text. File-like bodies are never read:
    that would consume the user's stream."""
    if isinstance(body, (bytes, bytearray, str)):
        parsed = parse_json(body)
        if isinstance(parsed, Mapping):
            return parsed
    return None


def guardrail_in_body(body: Mapping[str, Any], facts: ResponseFacts) -> None:
    """Bedrock adds ``amazon-bedrock-guardrailAction`` (and, with trace on, ``amazon-bedrock-trace``) to
    the model's body, or to a stream chunk, when a guardrail is configured."""
    note_action(facts, body.get("amazon-bedrock-guardrailAction"))
    trace = body.get("amazon-bedrock-trace")
    if isinstance(trace, Mapping):
        note_trace(facts, trace.get("guardrail"))


class InvokeModel(Operation):
    """The non-streaming InvokeModel API."""

    def parse_request(self, api_params: Mapping[str, Any]) -> Optional[RequestInfo]:
        model = model_id_of(api_params)
        body = parse_request_body(api_params.get("body"))
        family = resolve(model or "", body)
        attrs: Attributes = {}
        operation = sc.OP_CHAT
        if body is not None:
            operation = family.operation(body)
            family.parse_request(body, attrs)
        guardrail_attributes(attrs, api_params.get("guardrailIdentifier"), api_params.get("guardrailVersion"))
        request_context(attrs, api_params.get("serviceTier"), api_params.get("performanceConfigLatency"))
        return RequestInfo(operation, model, attrs, family, body)

    def request_content(self, api_params: Mapping[str, Any], info: RequestInfo) -> Optional[RequestContent]:
        family: ModelFamily = info.state
        if info.capture is None or info.body is None or family.content is None:
            return None
        return family.content.request(info.body, info.capture)

    def parse_response(
        self, info: RequestInfo, result: dict[str, Any], headers: Mapping[str, Any], facts: ResponseFacts
    ) -> dict[str, Any]:
        body = result.get("body")
        if self.needs_body(info, body):
            data, replacement, error = drain(body)
            # A new dict: botocore's own result object is not changed under anyone's feet.
            result = {**result, "body": replacement}
            if error is not None:
                apply_headers(facts, headers)
                raise BodyReadFailed(error, result)
            self.body_facts(info, data or b"", facts)
        apply_headers(facts, headers)
        return result

    @staticmethod
    def needs_body(info: RequestInfo, body: Any) -> bool:
        """Whether the family reads the response body (embeddings and images are left untouched)."""
        family: ModelFamily = info.state
        return family.parse_response is not None and hasattr(body, "read")

    @staticmethod
    def body_facts(info: RequestInfo, data: bytes, facts: ResponseFacts) -> None:
        """Read the response body's bytes (already copied for the user) into the facts; never raises."""
        family: ModelFamily = info.state
        try:
            parsed = parse_json(data)
            if isinstance(parsed, Mapping) and family.parse_response is not None:
                family.parse_response(parsed, facts)
                guardrail_in_body(parsed, facts)
                if info.capture is not None and family.content is not None:
                    facts.output_messages = family.content.response(parsed, info.capture)
        except Exception:
            # The body is already replaced: whatever happens now, the user must get the new result.
            report(f"failed to parse the {family.name} response body", f"{info.operation} {info.model}")
