"""What the bedrock-agentcore tests share: skipping where the installed botocore lacks the service or
an operation (tox env ``lowest`` has botocore 1.34.116, from before AgentCore), the client, and the
check that nothing recorded holds request or response text."""

from __future__ import annotations

from typing import Any

import pytest

RUNTIME_ARN = "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/weather-AbCdEf1234"
SESSION = "session-0123456789-0123456789-0123456789"  # the service asks for >= 33 characters


def agentcore_operations() -> frozenset[str]:
    import botocore.session

    try:
        model = botocore.session.get_session().get_service_model("bedrock-agentcore")
    except Exception:
        return frozenset()
    return frozenset(model.operation_names)


KNOWN = agentcore_operations()


def needs(*operations: str) -> Any:
    """Skip a test (or module) where the installed botocore lacks one of these operations."""
    missing = [name for name in operations if name not in KNOWN]
    return pytest.mark.skipif(bool(missing), reason=f"this botocore lacks bedrock-agentcore {missing}")


def recorded_text(telemetry: Any) -> str:
    """Every attribute value of every span, span event, log record and metric point, as one string."""
    values: list[str] = []
    for span in telemetry.spans():
        values.extend(map(str, (span.attributes or {}).values()))
        for event in span.events:
            values.extend(map(str, (event.attributes or {}).values()))
    for record in telemetry.logs():
        values.extend(map(str, (record.attributes or {}).values()))
        values.append(str(record.body))
    for metric in telemetry.metrics().values():
        for point in metric.data.data_points:
            values.extend(map(str, (point.attributes or {}).values()))
    return "\n".join(values)


def assert_no_text(telemetry: Any, *texts: str) -> None:
    recorded = recorded_text(telemetry)
    for text in texts:
        assert text not in recorded, text


def point_attrs(telemetry: Any, name: str) -> list[dict[str, Any]]:
    return [dict(p.attributes) for p in telemetry.points(name)]


def has_member(operation: str, member: str) -> bool:
    """Whether the installed botocore's request shape of ``operation`` has ``member`` (the trace
    members came to InvokeHarness after the operation itself)."""
    import botocore.session

    if operation not in KNOWN:
        return False
    model = botocore.session.get_session().get_service_model("bedrock-agentcore")
    return member in model.operation_model(operation).input_shape.members


def shape_known(shape: str, member: str) -> bool:
    """Whether the installed botocore's bedrock-agentcore shape has ``member`` (False without the service)."""
    import botocore.session

    try:
        model = botocore.session.get_session().get_service_model("bedrock-agentcore")
        return member in model.shape_for(shape).members
    except Exception:
        return False


def sdk(method: str) -> dict[str, Any]:
    """The AWS SDK client-span attributes every bedrock-agentcore span carries (docs/cloudwatch.md)."""
    return {"rpc.system": "aws-api", "rpc.service": "Bedrock AgentCore", "rpc.method": method,
            "cloud.region": "us-east-1"}  # fmt: skip
