"""Application Signals under ADOT (aws-opentelemetry-distro, tox -e adot): the attributes ADOT's
span exporter derives from our spans (aws.remote.service, .operation, .resource.type, .identifier, ...)
equal those it derives from its own botocore spans for the same calls with our instrumentation
disabled; each call has one span (ours), and no HTTP client span. The app runs in a child process
configured only by the environment, as ``opentelemetry-instrument`` would (tests/adot/adot_app.py)."""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("amazon.opentelemetry.distro", reason="tox -e adot installs aws-opentelemetry-distro")

from adot_run import adot_env, run_app
from otlp_sink import OtlpSink, any_value, wait_for

CALLS = ("Converse", "ConverseStream", "InvokeAgent", "Retrieve", "ApplyGuardrail")
SIGNALS = ("aws.local.", "aws.remote.", "aws.span.kind")
# ADOT's botocore patch records the client's access key id (aws.auth.account.access_key) and region,
# which it copies to aws.remote.resource.account.access_key / .region. We record no credential.
CREDENTIAL_DERIVED = ("aws.remote.resource.account.access_key", "aws.remote.resource.region")
SPAN_KIND_CLIENT = 3  # OTLP's SPAN_KIND_CLIENT


def run(emu: Any, **extra: str) -> dict[str, Any]:
    emu.reset()
    with OtlpSink() as sink:
        run_app(adot_env(emu, sink.url, **extra))
        assert wait_for(lambda: len(sink.spans()) >= len(CALLS))
        assert wait_for(lambda: len(sink.metrics("/appsignals/v1/metrics")) >= 3)
        return {"spans": sink.spans(), "appsignals": sink.metrics("/appsignals/v1/metrics"),
                "served": list(emu.served)}  # fmt: skip


@pytest.fixture(scope="module")
def runs(emulator: Any) -> dict[str, dict[str, Any]]:
    ours = run(emulator)
    theirs = run(emulator, OTEL_PYTHON_DISABLED_INSTRUMENTATIONS="bedrock")
    emulator.reset()
    return {"ours": ours, "theirs": theirs}


def signals(span: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in span["attributes"].items() if k.startswith(SIGNALS)}


def by_method(spans: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out = {}
    for span in spans:
        method = span["attributes"].get("rpc.method")
        assert method not in out, f"two spans for {method}"
        out[method] = span
    return out


def test_one_span_per_call_ours_and_no_http_span(runs):
    spans = runs["ours"]["spans"]
    assert len(runs["ours"]["served"]) == len(CALLS)
    assert [s["scope"] for s in spans] == ["opentelemetry_instrumentation_bedrock"] * len(CALLS)
    assert sorted(s["attributes"]["rpc.method"] for s in spans) == sorted(CALLS)
    assert all(s["kind"] == SPAN_KIND_CLIENT and s["parent"] == "" for s in spans)
    assert all(s["attributes"]["gen_ai.provider.name"] == "aws.bedrock" for s in spans)
    # and ADOT's own botocore instrumentation made its spans for the same calls when ours was off
    assert sorted(s["scope"] for s in runs["theirs"]["spans"]) == sorted(
        ["opentelemetry.instrumentation.botocore.bedrock-runtime"] * 3
        + ["opentelemetry.instrumentation.botocore.bedrock-agent-runtime"] * 2
    )


def test_application_signals_attributes_equal_adots_own(runs):
    ours, theirs = by_method(runs["ours"]["spans"]), by_method(runs["theirs"]["spans"])
    for method in CALLS:
        expected = {k: v for k, v in signals(theirs[method]).items() if k not in CREDENTIAL_DERIVED}
        found = signals(ours[method])
        if method == "ApplyGuardrail":
            # ADOT's botocore instrumentation records no guardrail id for ApplyGuardrail; ours carries
            # aws.bedrock.guardrail.id, which ADOT maps to its AWS::Bedrock::Guardrail resource.
            expected.update({"aws.remote.resource.type": "AWS::Bedrock::Guardrail",
                             "aws.remote.resource.identifier": "gr-abc123",
                             "aws.remote.resource.cfn.primary.identifier": "gr-abc123"})  # fmt: skip
        assert found == expected, method
        assert not set(CREDENTIAL_DERIVED) & set(found)


def test_the_values_application_signals_shows(runs):
    found = {m: signals(s) for m, s in by_method(runs["ours"]["spans"]).items()}
    remote = {m: (a["aws.remote.service"], a["aws.remote.operation"], a.get("aws.remote.resource.type"),
                  a.get("aws.remote.resource.identifier")) for m, a in found.items()}  # fmt: skip
    assert remote == {
        "Converse": ("AWS::BedrockRuntime", "Converse", "AWS::Bedrock::Model", "anthropic.claude-3-haiku-20240307-v1:0"),
        "ConverseStream": ("AWS::BedrockRuntime", "ConverseStream", "AWS::Bedrock::Model", "amazon.nova-micro-v1:0"),
        "InvokeAgent": ("AWS::Bedrock", "InvokeAgent", "AWS::Bedrock::Agent", "AGENT12345"),
        "Retrieve": ("AWS::Bedrock", "Retrieve", "AWS::Bedrock::KnowledgeBase", "KB12345678"),
        "ApplyGuardrail": ("AWS::BedrockRuntime", "ApplyGuardrail", "AWS::Bedrock::Guardrail", "gr-abc123"),
    }  # fmt: skip
    assert {a["aws.local.service"] for a in found.values()} == {"bedrock-adot-test"}
    assert {a["aws.span.kind"] for a in found.values()} == {"LOCAL_ROOT"}


def dependency_points(metrics: list[tuple[str, Any]]) -> dict[tuple[str, tuple[Any, ...]], int]:
    """Application Signals' points: (metric, attributes) -> spans counted (Latency) or flagged (Error, Fault)."""
    out: dict[tuple[str, tuple[Any, ...]], int] = {}
    for name, metric in metrics:
        kind = metric.WhichOneof("data")
        points = getattr(metric, kind).data_points
        for point in points:
            attributes = tuple(sorted((a.key, any_value(a.value)) for a in point.attributes
                                      if a.key not in ("aws.remote.resource.account.access_key", "aws.remote.resource.region",
                                                       "RemoteResourceAccessKey", "RemoteResourceRegion")))  # fmt: skip
            if kind in ("histogram", "exponential_histogram"):  # Error, Fault: 0 or 1 per span; Latency: ms
                value = int(point.sum) if name in ("Error", "Fault") else point.count
            else:
                value = int(point.as_int or point.as_double)
            out[(name, attributes)] = out.get((name, attributes), 0) + value
    return out


def test_application_signals_metrics_name_the_same_dependencies(runs):
    ours, theirs = (
        dependency_points(runs["ours"]["appsignals"]),
        dependency_points(runs["theirs"]["appsignals"]),
    )
    guardrail = [key for key in ours if ("aws.remote.operation", "ApplyGuardrail") in key[1]]
    assert len(guardrail) == 3  # Latency, Error, Fault
    for key in guardrail:  # the one difference, as on the spans: ours names the guardrail resource
        del ours[key]
    theirs = {k: v for k, v in theirs.items() if ("aws.remote.operation", "ApplyGuardrail") not in k[1]}
    assert ours == theirs
    latency = {dict(k[1]).get("aws.remote.operation"): v for k, v in ours.items() if k[0] == "Latency"}
    # one dependency point per call, and the service's own point (each span is a local root here)
    assert latency == {"Converse": 1, "ConverseStream": 1, "InvokeAgent": 1, "Retrieve": 1, None: 5}


@pytest.mark.parametrize(("code", "status", "error", "fault"),
                         [("ThrottlingException", 429, 1, 0), ("InternalServerException", 500, 0, 1)])  # fmt: skip
def test_a_failed_call_is_an_error_or_a_fault_as_for_adots_own_span(emulator, code, status, error, fault):
    from bedrock_emulator import Reply

    found = {}
    for name, extra in (("ours", {}), ("theirs", {"OTEL_PYTHON_DISABLED_INSTRUMENTATIONS": "bedrock"})):
        emulator.reset()
        emulator.script(Reply.error(code, "no", status=status))
        with OtlpSink() as sink:
            run_app(adot_env(emulator, sink.url, ADOT_APP_CALLS="throttled", **extra))
            assert wait_for(lambda: len(sink.metrics("/appsignals/v1/metrics")) >= 3)
            (span,) = sink.spans()
            found[name] = (span, dependency_points(sink.metrics("/appsignals/v1/metrics")))
    emulator.reset()
    (ours, our_points), (theirs, their_points) = found["ours"], found["theirs"]
    expected = {k: v for k, v in signals(theirs).items() if k not in CREDENTIAL_DERIVED}
    assert signals(ours) == expected
    assert our_points == their_points
    dependency = {
        key[0]: value for key, value in our_points.items() if dict(key[1]).get("aws.remote.operation")
    }
    assert (dependency["Error"], dependency["Fault"], dependency["Latency"]) == (error, fault, 1)
