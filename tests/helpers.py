"""Small assertions shared by the test modules."""

from __future__ import annotations

import socket
from typing import Any

from opentelemetry.sdk.trace import ReadableSpan

DURATION_BUCKETS = (0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92)
SERVER_TTFT_BUCKETS = (
    0.001,
    0.005,
    0.01,
    0.02,
    0.04,
    0.06,
    0.08,
    0.1,
    0.25,
    0.5,
    0.75,
    1.0,
    2.5,
    5.0,
    7.5,
    10.0,
)
TOKEN_BUCKETS = (1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864)

# The exception types Bedrock sends mid-stream (event-stream exception messages).
STREAM_EXCEPTIONS = [
    "modelStreamErrorException",
    "throttlingException",
    "validationException",
    "internalServerException",
    "serviceUnavailableException",
]


TOKEN_HISTOGRAMS = {
    "input": "gen_ai.client.inference.operation.input_tokens",
    "output": "gen_ai.client.inference.operation.output_tokens",
}
USAGE_COUNTERS = {
    "input": "gen_ai.client.inference.usage.input_tokens",
    "output": "gen_ai.client.inference.usage.output_tokens",
    "cache_read": "gen_ai.client.inference.usage.cache_read.input_tokens",
    "cache_write": "gen_ai.client.inference.usage.cache_write.input_tokens",
    "reasoning": "gen_ai.client.inference.usage.reasoning.output_tokens",
}


def token_points(telemetry: Any) -> dict[str, Any]:
    """The per-operation token histogram points keyed by kind (``input``/``output``); fails on more
    than one point per kind."""
    out: dict[str, Any] = {}
    for kind, name in TOKEN_HISTOGRAMS.items():
        points = telemetry.points(name)
        assert len(points) <= 1, f"{len(points)} {kind} points"
        if points:
            out[kind] = points[0]
    return out


def usage_totals(telemetry: Any) -> dict[str, int]:
    """The usage counters' totals by kind (all of them carry ``gen_ai.token.modality=unknown``)."""
    out: dict[str, int] = {}
    for kind, name in USAGE_COUNTERS.items():
        points = telemetry.points(name)
        for point in points:
            assert point.attributes["gen_ai.token.modality"] == "unknown"
        if points:
            out[kind] = sum(p.value for p in points)
    return out


def token_sums(telemetry: Any) -> dict[str, int]:
    """Input/output token totals from the per-operation histograms, checked against the usage
    counters (the two must agree exactly)."""
    sums: dict[str, int] = {}
    for kind, name in TOKEN_HISTOGRAMS.items():
        points = telemetry.points(name)
        if points:
            sums[kind] = sum(p.sum for p in points)
    totals = usage_totals(telemetry)
    assert {k: v for k, v in totals.items() if k in TOKEN_HISTOGRAMS} == sums, (totals, sums)
    return sums


def only_point(telemetry: Any, name: str) -> Any:
    points = telemetry.points(name)
    assert len(points) == 1, f"{name}: {len(points)} points"
    return points[0]


def attrs(span: ReadableSpan) -> dict[str, Any]:
    return dict(span.attributes or {})


def botocore_knows(operation: str, *path: str, output: bool = False) -> bool:
    """Whether the installed botocore's bedrock-runtime model has this member (older botocore releases
    lack newer API features, and silently drop response fields their model does not know)."""
    import botocore.session

    model = botocore.session.get_session().get_service_model("bedrock-runtime")
    if operation not in model.operation_names:
        return False
    op = model.operation_model(operation)
    shape = op.output_shape if output else op.input_shape
    for name in path:
        members = getattr(shape, "members", {})
        if name not in members:
            return False
        shape = members[name]
    return True


def shape_has(shape: str, *members: str, service: str = "bedrock-runtime") -> bool:
    """Whether the installed botocore's shape (``ContentBlock``, ``Tool``...) has all these members;
    older releases reject newer content blocks, or drop response fields they do not know."""
    import botocore.session

    model = botocore.session.get_session().get_service_model(service)
    try:
        known = model.shape_for(shape).members
    except Exception:
        return False
    return all(name in known for name in members)


def known_code(error: Any, code: str, operation: str) -> str:
    """The error.type to expect: the exception event's type, or the class name where this botocore's
    model does not know that exception (it then reports an empty code)."""
    member = "stream" if operation == "ConverseStream" else "body"
    if botocore_knows(operation, member, code, output=True):
        assert error[2] == code
        return code
    assert error[2] == ""
    return "EventStreamError"


def all_telemetry_text(telemetry: Any) -> str:
    """Every span (with its events), every metric point and every log record, as text to scan."""
    texts = [span.to_json() for span in telemetry.spans()]
    data = telemetry.reader.get_metrics_data()
    texts.append(data.to_json() if data is not None else "")
    texts += [str(record.body) + str(dict(record.attributes or {})) for record in telemetry.logs()]
    return "\n".join(texts)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now (for servers the integration tests start)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
