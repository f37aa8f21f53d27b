"""The contract between the patch and one Bedrock API, and helpers every API shares."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional

from opentelemetry.util.types import AttributeValue

from .. import semconv as sc
from ..facts import ResponseFacts, as_int, as_mapping, as_str

Attributes = dict[str, AttributeValue]


class RequestInfo:
    """What the request tells us before the call: enough to name the span and let samplers decide."""

    __slots__ = ("attributes", "model", "operation", "state")

    def __init__(
        self, operation: str, model: Optional[str], attributes: Attributes, state: Any = None
    ) -> None:
        self.operation = operation
        self.model = model
        self.attributes = attributes
        self.state = state


class Operation:
    """One botocore operation. Subclasses implement the two pure halves; both may raise (the patch
    guards them), neither may change ``api_params`` or the parsed response it is handed."""

    service = "bedrock-runtime"

    def parse_request(self, api_params: Mapping[str, Any]) -> Optional[RequestInfo]:
        raise NotImplementedError

    def parse_response(
        self, info: RequestInfo, result: dict[str, Any], headers: Mapping[str, Any], facts: ResponseFacts
    ) -> dict[str, Any]:
        """Fill ``facts`` from ``result`` (``headers``: its lower-cased HTTP headers, read once by the
        patch); return the result to hand back (a copy if a body was replaced)."""
        raise NotImplementedError


class BodyReadFailed(Exception):
    """Reading a response body failed after the call returned. Carries the result to hand back (whose
    body replays the same failure to the user) and the error that ends the span."""

    def __init__(self, error: BaseException, result: dict[str, Any]) -> None:
        super().__init__(error)
        self.error = error
        self.result = result


def model_id_of(api_params: Mapping[str, Any]) -> Optional[str]:
    """The modelId exactly as the user passed it, or None when it is missing or not a string."""
    return as_str(api_params.get("modelId"))


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


def fill_from_headers(facts: ResponseFacts, headers: Mapping[str, Any]) -> None:
    """Bedrock's own token and latency headers, used where the body reported nothing.

    They exist on every InvokeModel response whatever the family, so a model we cannot place still
    gets its token counts. Bedrock reports input tokens without cache reads and writes, as the bodies do.
    """
    if facts.input_tokens is None:
        facts.input_tokens = as_int(headers.get("x-amzn-bedrock-input-token-count"))
    if facts.output_tokens is None:
        facts.output_tokens = as_int(headers.get("x-amzn-bedrock-output-token-count"))
    if facts.cache_read_tokens is None:
        facts.cache_read_tokens = as_int(headers.get("x-amzn-bedrock-cache-read-input-token-count"))
    if facts.cache_write_tokens is None:
        facts.cache_write_tokens = as_int(headers.get("x-amzn-bedrock-cache-write-input-token-count"))
    if facts.server_latency_s is None:
        latency_ms = as_int(headers.get("x-amzn-bedrock-invocation-latency"))
        if latency_ms is not None:
            facts.server_latency_s = latency_ms / 1000.0
