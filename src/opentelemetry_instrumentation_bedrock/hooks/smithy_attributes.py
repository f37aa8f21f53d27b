"""What a smithy client's configuration and transport tell about a call: its server and retry settings."""

from __future__ import annotations

from typing import Any, Optional

from opentelemetry.util.types import AttributeValue

from ..telemetry import names as sc
from ..telemetry.call import Call
from ..wire.endpoint import server_of
from .smithy_interceptor import Exchange


def common_attributes(operation: str, model: Optional[str], client: Any) -> dict[str, AttributeValue]:
    """The attributes every span and metric point of the call has (the server when the configuration
    names its endpoint; else it is read from the transport request once sent)."""
    common: dict[str, AttributeValue] = {
        sc.GEN_AI_OPERATION_NAME: operation,
        sc.GEN_AI_PROVIDER_NAME: sc.PROVIDER_AWS_BEDROCK,
    }
    if model is not None:
        common[sc.GEN_AI_REQUEST_MODEL] = model
    endpoint = getattr(getattr(client, "_config", None), "endpoint_uri", None)
    if isinstance(endpoint, str):
        address, port = server_of(endpoint)
    else:
        address, port = _host_port(endpoint)
    if address is not None:
        common[sc.SERVER_ADDRESS] = address
    if port is not None:
        common[sc.SERVER_PORT] = port
    return common


def sdk_attributes(operation_name: str, client: Any) -> dict[str, AttributeValue]:
    """The AWS SDK client-span attributes, as botocore calls get them (telemetry/aws_sdk.py): the same
    service id ("Bedrock Runtime") and operation name, so Application Signals sees one dependency
    whichever SDK made the call; the region from the client's configuration."""
    attrs: dict[str, AttributeValue] = {
        sc.RPC_SYSTEM: sc.RPC_SYSTEM_AWS_API,
        sc.RPC_SERVICE: "Bedrock Runtime",
        sc.RPC_METHOD: operation_name,
    }
    region = getattr(getattr(client, "_config", None), "region", None)
    if isinstance(region, str) and region:
        attrs[sc.CLOUD_REGION] = str.__str__(region)
    return attrs


def retry_attributes(attrs: dict[str, AttributeValue], client: Any) -> None:
    """The retry mode (the SDK's default, standard, when none is named) and the attempt limit the
    client's configuration names, as for botocore. A custom ``retry_strategy`` has neither."""
    config = getattr(client, "_config", None)
    if config is None or getattr(config, "retry_strategy", None) is not None:
        return
    mode = getattr(config, "retry_mode", None) or "standard"
    max_attempts = getattr(config, "max_attempts", None)
    if isinstance(mode, str):
        attrs[sc.AWS_BEDROCK_RETRY_MODE] = str.__str__(mode)
    if isinstance(max_attempts, int):
        attrs[sc.AWS_BEDROCK_RETRY_MAX_ATTEMPTS] = max_attempts


def _host_port(uri: Any) -> tuple[Optional[str], Optional[int]]:
    """Host and port of a smithy ``URI`` (its scheme's default port when it names none)."""
    host = getattr(uri, "host", None)
    if not isinstance(host, str) or not host:
        return None, None
    port = getattr(uri, "port", None)
    if not isinstance(port, int):
        port = {"https": 443, "http": 80}.get(getattr(uri, "scheme", None) or "")
    return host, port


def note_destination(call: Call, exchange: Exchange) -> None:
    """The server the SDK resolved, when the configuration did not name it (its default endpoint)."""
    if sc.SERVER_ADDRESS in call.metric_attrs or exchange.destination is None:
        return
    address, port = _host_port(exchange.destination)
    if address is None:
        return
    found: dict[str, AttributeValue] = {sc.SERVER_ADDRESS: address}
    if port is not None:
        found[sc.SERVER_PORT] = port
    call.metric_attrs.update(found)
    call.span.set_attributes(found)
