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
from ..wire.bodies import parse_json
from ..wire.body_observer import BodyParser
from .base import (
    Attributes,
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
        """The header figures only: the body is the user's to read (``body_parser`` reads what they read)."""
        apply_headers(facts, headers)
        return result

    def body_parser(self, info: RequestInfo, headers: Mapping[str, Any]) -> BodyParser:
        """What to do with the whole body once the user has read it: its facts, then the headers (Bedrock's
        billed figures win over the body's)."""

        def parse(data: bytes, facts: ResponseFacts) -> None:
            self.body_facts(info, data, facts)
            apply_headers(facts, headers)

        return parse

    @staticmethod
    def needs_body(info: RequestInfo, body: Any) -> bool:
        """Whether the family reads the response body. Embeddings and images are left untouched: their
        call ends at return with the header figures, and their reads are not observed."""
        family: ModelFamily = info.state
        return family.parse_response is not None and hasattr(body, "read")

    @staticmethod
    def body_facts(info: RequestInfo, data: bytes, facts: ResponseFacts) -> None:
        """The response body's bytes (as the user read them) into the facts; never raises."""
        family: ModelFamily = info.state
        try:
            parsed = parse_json(data)
            if isinstance(parsed, Mapping) and family.parse_response is not None:
                family.parse_response(parsed, facts)
                guardrail_in_body(parsed, facts)
                if info.capture is not None and family.content is not None:
                    facts.output_messages = family.content.response(parsed, info.capture)
        except Exception:
            report(f"failed to parse the {family.name} response body", f"{info.operation} {info.model}")
