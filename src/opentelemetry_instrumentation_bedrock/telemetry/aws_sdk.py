"""The AWS SDK span attributes (``rpc.system=aws-api``, ``rpc.service``, ``rpc.method``, ``cloud.region``).

They are what the AWS SDK conventions ask of an SDK client span, and what X-Ray and Application Signals
key on: ADOT names a dependency ``AWS::BedrockRuntime`` / ``Converse`` from ``rpc.service`` and
``rpc.method`` only when ``rpc.system`` is ``aws-api``. ``rpc.service`` is botocore's service id
("Bedrock Runtime", "Bedrock Agent Runtime"), as opentelemetry-instrumentation-botocore records it.

The values depend on the client's service, the operation and the client's region only, so each
combination is built once and shared by every later call (read-only: the span copies it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional

from opentelemetry.util.types import AttributeValue

from . import names as sc

_CACHE: dict[tuple[str, str, Optional[str]], Mapping[str, AttributeValue]] = {}
_CACHE_LIMIT = 512  # service x operation x region: far fewer in any real app; a bound all the same


def sdk_attributes(client: Any, service: str, operation_name: str) -> Mapping[str, AttributeValue]:
    """The static AWS SDK attributes of this call (``service``: botocore's service name, already read)."""
    region: Optional[str] = client.meta.region_name
    key = (service, operation_name, region)
    found = _CACHE.get(key)
    if found is None:
        found = _build(client, operation_name, region)
        if len(_CACHE) >= _CACHE_LIMIT:
            _CACHE.clear()
        _CACHE[key] = found
    return found


def _build(client: Any, operation_name: str, region: Optional[str]) -> Mapping[str, AttributeValue]:
    attrs: dict[str, AttributeValue] = {
        sc.RPC_SYSTEM: sc.RPC_SYSTEM_AWS_API,
        sc.RPC_SERVICE: str(client.meta.service_model.service_id),
        sc.RPC_METHOD: operation_name,
    }
    if isinstance(region, str) and region:
        attrs[sc.CLOUD_REGION] = region
    return attrs


def error_status(exc: BaseException) -> Optional[dict[str, AttributeValue]]:
    """The HTTP status of a failed call (botocore's ``ClientError.response``), as span attributes: the
    stable ``http.response.status_code`` and the older ``http.status_code`` that X-Ray's and ADOT's
    Application Signals read to tell an error (4xx: throttles, validation) from a fault (5xx)."""
    response: Any = getattr(exc, "response", None)
    meta = response.get("ResponseMetadata") if isinstance(response, dict) else None
    status = meta.get("HTTPStatusCode") if isinstance(meta, dict) else None
    if not isinstance(status, int) or isinstance(status, bool):
        return None
    return {sc.HTTP_RESPONSE_STATUS_CODE: status, sc.HTTP_STATUS_CODE_DEPRECATED: status}
