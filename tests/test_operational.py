"""Operational signals: retries and throttling, cost, guardrails, CountTokens, async invoke, image
generation, service tier and latency mode, and exemplars linking metric points to spans."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from opentelemetry.trace import StatusCode

from bedrock_emulator import Reply, chunk_event, converse_body, converse_stream_events, event
from helpers import attrs, botocore_knows, only_point, shape_has, token_sums
from opentelemetry_instrumentation_bedrock import BedrockInstrumentor

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
MESSAGES = [{"role": "user", "content": [{"text": "hi"}]}]
THROTTLE = Reply.error("ThrottlingException", "Too many requests, please wait before trying again.")


def counter_points(telemetry: Any, name: str) -> dict[Any, float]:
    """Counter points keyed by their attributes (as sorted tuples)."""
    return {tuple(sorted(p.attributes.items())): p.value for p in telemetry.points(name)}


# ----------------------------------------------------------------------------- retries and throttling


@pytest.mark.parametrize("mode", ["standard", "legacy", "adaptive"])
def test_throttled_twice_then_successful(instrumented, emu, make_client, mode):
    client = make_client(retries={"mode": mode, "total_max_attempts": 3})
    emu.script(THROTTLE, THROTTLE, Reply.json(converse_body((12, 3), 200)))
    result = client.converse(modelId=MODEL, messages=MESSAGES)
    assert result["ResponseMetadata"]["RetryAttempts"] == 2
    assert len(emu.served) == 3

    span = instrumented.span()
    assert span.status.status_code is StatusCode.UNSET
    span_attrs = attrs(span)
    assert (span_attrs["aws.bedrock.retry.count"], span_attrs["aws.bedrock.retry.mode"]) == (2, mode)
    assert span_attrs["aws.bedrock.retry.max_attempts"] == 3
    assert span_attrs["gen_ai.usage.input_tokens"] == 12
    events = [e for e in span.events if e.name == "aws.bedrock.attempt_failed"]
    assert [(e.attributes["aws.bedrock.attempt"], e.attributes["error.type"], e.attributes["http.response.status_code"])
            for e in events] == [(1, "ThrottlingException", 429), (2, "ThrottlingException", 429)]  # fmt: skip
    for failed in events:
        assert 0 < failed.attributes["aws.bedrock.retry.delay"] < 25
        assert span.start_time <= failed.timestamp <= span.end_time
    (point,) = instrumented.points("aws.bedrock.client.throttled_attempts")
    assert point.value == 2
    assert point.attributes["error.type"] == "ThrottlingException"
    assert point.attributes["gen_ai.request.model"] == MODEL
    duration = only_point(instrumented, "gen_ai.client.inference.duration")
    assert "error.type" not in duration.attributes
    assert duration.sum >= sum(e.attributes["aws.bedrock.retry.delay"] for e in events)


def test_throttled_until_attempts_run_out(instrumented, emu, make_client):
    client = make_client(retries={"mode": "standard", "total_max_attempts": 3})
    emu.script(THROTTLE, THROTTLE, THROTTLE)
    with pytest.raises(ClientError) as info:
        client.converse(modelId=MODEL, messages=MESSAGES)
    assert info.value.response["Error"]["Code"] == "ThrottlingException"
    span = instrumented.span()
    assert span.status.status_code is StatusCode.ERROR
    assert span.attributes["error.type"] == "ThrottlingException"
    assert span.attributes["aws.bedrock.retry.count"] == 2
    events = [e for e in span.events if e.name == "aws.bedrock.attempt_failed"]
    assert [e.attributes["aws.bedrock.attempt"] for e in events] == [1, 2, 3]
    assert ["aws.bedrock.retry.delay" in e.attributes for e in events] == [True, True, False]
    assert only_point(instrumented, "aws.bedrock.client.throttled_attempts").value == 3


def test_non_throttling_failures_are_events_but_not_throttles(instrumented, emu, make_client):
    client = make_client(retries={"mode": "standard", "total_max_attempts": 2})
    emu.script(Reply.error("InternalServerException", "oops"), Reply.json(converse_body((1, 1), 10)))
    client.converse(modelId=MODEL, messages=MESSAGES)
    span = instrumented.span()
    (failed,) = [e for e in span.events if e.name == "aws.bedrock.attempt_failed"]
    assert (failed.attributes["error.type"], failed.attributes["http.response.status_code"]) == (
        "InternalServerException",
        500,
    )
    assert instrumented.points("aws.bedrock.client.throttled_attempts") == []


def test_no_retries_means_count_zero_and_no_events(instrumented, emu, client):
    client.converse(modelId=MODEL, messages=MESSAGES)
    span = instrumented.span()
    assert span.attributes["aws.bedrock.retry.count"] == 0
    assert span.events == ()


def test_retry_settings_defaults(instrumented, emu, monkeypatch):
    import boto3

    monkeypatch.delenv("AWS_RETRY_MODE", raising=False)
    monkeypatch.delenv("AWS_MAX_ATTEMPTS", raising=False)
    client = boto3.client("bedrock-runtime", region_name="us-east-1", endpoint_url=emu.url)
    client.converse(modelId=MODEL, messages=MESSAGES)
    span_attrs = attrs(instrumented.span())
    # Whatever this botocore defaults to (legacy in older releases, standard in newer), with that
    # mode's default number of attempts.
    mode = (client.meta.config.retries or {}).get("mode", "legacy")
    expected = {"legacy": 5, "standard": 3, "adaptive": 3}[mode]
    assert (span_attrs["aws.bedrock.retry.mode"], span_attrs["aws.bedrock.retry.max_attempts"]) == (
        mode,
        expected,
    )


# ----------------------------------------------------------------------------- cost


@pytest.mark.parametrize(
    ("model", "usage", "cache", "expected"),
    [
        # The worked example: 21 x $0.25/M + 5 x $1.25/M.
        ("anthropic.claude-3-haiku-20240307-v1:0", (21, 5), None, 0.0000115),
        # Cross-region prefix stripped; cache reads and writes at their own rates.
        ("us.anthropic.claude-3-5-haiku-20241022-v1:0", (4, 50), (1000, 2000),
         (4 * 0.80 + 50 * 4.00 + 1000 * 0.08 + 2000 * 1.00) / 1e6),
        ("global.anthropic.claude-sonnet-4-20250514-v1:0", (1000, 1000), None, 0.018),
        ("amazon.nova-micro-v1:0", (1_000_000, 1_000_000), None, 0.175),
        ("meta.llama3-2-1b-instruct-v1:0", (100, 100), None, 0.00002),
    ],
)  # fmt: skip
def test_cost(instrumented, emu, client, model, usage, cache, expected):
    body = converse_body(usage, 100)
    if cache is not None:
        body["usage"].update({"cacheReadInputTokens": cache[0], "cacheWriteInputTokens": cache[1]})
    emu.script(Reply.json(body))
    client.converse(modelId=model, messages=MESSAGES)
    cost = instrumented.span().attributes["aws.bedrock.usage.cost"]
    if cache is not None and not botocore_knows("Converse", "usage", "cacheReadInputTokens", output=True):
        expected = (4 * 0.80 + 50 * 4.00) / 1e6  # this botocore drops the cache fields
    assert cost == pytest.approx(expected, rel=1e-9)
    (point,) = instrumented.points("aws.bedrock.client.cost")
    assert point.value == pytest.approx(expected, rel=1e-9)
    assert point.attributes["gen_ai.request.model"] == model
    assert instrumented.metrics()["aws.bedrock.client.cost"].unit == "{USD}"


def test_unknown_model_has_no_cost_never_zero(instrumented, emu, client):
    arn = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/x1y2z3"
    client.converse(modelId=arn, messages=MESSAGES)
    span_attrs = attrs(instrumented.span())
    assert span_attrs["gen_ai.usage.input_tokens"] == emu.served[-1].usage[0]
    assert "aws.bedrock.usage.cost" not in span_attrs
    assert instrumented.points("aws.bedrock.client.cost") == []


def test_prices_from_a_file_and_a_keyword(telemetry, emu, client, tmp_path, monkeypatch):
    prices = tmp_path / "prices.json"
    prices.write_text(json.dumps({"prices": {"anthropic.claude-3-haiku": {"input": 1.0, "output": 2.0},
                                             "acme.private-model": {"input": 10.0, "output": 20.0}}}))  # fmt: skip
    monkeypatch.setenv("OTEL_INSTRUMENTATION_BEDROCK_PRICES_FILE", str(prices))
    instrumentor = BedrockInstrumentor()
    instrumentor.instrument(
        **telemetry.providers(), prices={"acme.private-model": {"input": 100.0, "output": 0}}
    )
    try:
        emu.script(Reply.json(converse_body((10, 20), 5)), Reply.json(converse_body((10, 20), 5)))
        client.converse(modelId=MODEL, messages=MESSAGES)
        client.converse(modelId="acme.private-model-v2", messages=MESSAGES)
    finally:
        instrumentor.uninstrument()
    costs = [s.attributes["aws.bedrock.usage.cost"] for s in telemetry.spans()]
    assert costs == [pytest.approx((10 * 1.0 + 20 * 2.0) / 1e6), pytest.approx(10 * 100.0 / 1e6)]


# ----------------------------------------------------------------------------- guardrails

GUARDRAIL = {"guardrailIdentifier": "5zwrmdlsra2e", "guardrailVersion": "DRAFT", "trace": "enabled"}
TRACE = {
    "guardrail": {
        "modelOutput": ["the model's raw answer, which is never recorded"],
        "inputAssessment": {"5zwrmdlsra2e": {"topicPolicy": {"topics": [{"name": "Secrets", "type": "DENY", "action": "BLOCKED"}]}}},
        "outputAssessments": {"5zwrmdlsra2e": [{
            "sensitiveInformationPolicy": {"piiEntities": [{"match": "Italy", "type": "ADDRESS", "action": "ANONYMIZED"}],
                                           "regexes": [{"name": "acct", "match": "12345", "regex": "\\\\d+", "action": "NONE"}]},
            "contentPolicy": {"filters": [{"type": "VIOLENCE", "confidence": "HIGH", "action": "BLOCKED"}]},
        }]},
    }
}  # fmt: skip
EXPECTED_INTERVENTIONS = {
    ("content", "BLOCKED"),
    ("sensitive_information", "ANONYMIZED"),
    ("topic", "BLOCKED"),
}


def interventions(telemetry: Any) -> dict[tuple[Any, Any], float]:
    out = {}
    for point in telemetry.points("aws.bedrock.guardrail.interventions"):
        assert point.attributes["aws.bedrock.guardrail.id"] == "5zwrmdlsra2e"
        assert set(point.attributes) <= {"aws.bedrock.guardrail.id", "aws.bedrock.guardrail.policy",
                                         "aws.bedrock.guardrail.action", "gen_ai.request.model",
                                         "gen_ai.operation.name", "gen_ai.provider.name"}  # fmt: skip
        key = (
            point.attributes.get("aws.bedrock.guardrail.policy"),
            point.attributes.get("aws.bedrock.guardrail.action"),
        )
        out[key] = point.value
    return out


def assert_no_matches_recorded(telemetry: Any) -> None:
    everything = json.dumps([dict(s.attributes) for s in telemetry.spans()], default=str)
    everything += json.dumps(
        [dict(p.attributes) for p in telemetry.points("aws.bedrock.guardrail.interventions")]
    )
    for secret in ("Italy", "12345", "Secrets", "raw answer"):
        assert secret not in everything


@pytest.mark.skipif(
    not botocore_knows("Converse", "guardrailConfig"), reason="no guardrailConfig in this botocore"
)
def test_guardrail_intervention_in_converse(instrumented, emu, client):
    body = converse_body((10, 5), 300, "guardrail_intervened")
    body["trace"] = TRACE
    emu.script(Reply.json(body))
    client.converse(modelId=MODEL, messages=MESSAGES, guardrailConfig=GUARDRAIL)
    span_attrs = attrs(instrumented.span())
    assert span_attrs["gen_ai.response.finish_reasons"] == ("content_filter",)
    assert span_attrs["aws.bedrock.guardrail.id"] == "5zwrmdlsra2e"
    if botocore_knows("Converse", "trace", output=True):
        assert interventions(instrumented) == {k: 1 for k in EXPECTED_INTERVENTIONS}
    else:
        assert interventions(instrumented) == {(None, None): 1}
    assert_no_matches_recorded(instrumented)


@pytest.mark.skipif(not botocore_knows("ConverseStream", "guardrailConfig"), reason="no guardrailConfig here")
def test_guardrail_intervention_in_converse_stream(instrumented, emu, client):
    events = converse_stream_events((10, 5), 300, "guardrail_intervened")
    events[-1] = event("metadata", {"usage": {"inputTokens": 10, "outputTokens": 5, "totalTokens": 15},
                                    "metrics": {"latencyMs": 300}, "trace": TRACE})  # fmt: skip
    emu.script(Reply.stream(events))
    list(client.converse_stream(modelId=MODEL, messages=MESSAGES, guardrailConfig=GUARDRAIL)["stream"])
    assert attrs(instrumented.span())["gen_ai.response.finish_reasons"] == ("content_filter",)
    if botocore_knows("ConverseStream", "stream", "metadata", "trace", output=True):
        assert interventions(instrumented) == {k: 1 for k in EXPECTED_INTERVENTIONS}
    else:
        assert interventions(instrumented) == {(None, None): 1}


@pytest.mark.parametrize("streamed", [False, True], ids=["invoke", "stream"])
def test_guardrail_intervention_in_invoke_model(instrumented, emu, client, streamed):
    body = {"inputTextTokenCount": 6, "results": [{"tokenCount": 3, "outputText": "Input blocked", "completionReason": "FINISH"}],
            "amazon-bedrock-guardrailAction": "INTERVENED", "amazon-bedrock-trace": TRACE}  # fmt: skip
    model = "amazon.titan-text-express-v1"
    params = {
        "modelId": model,
        "body": b'{"inputText": "x"}',
        "guardrailIdentifier": "5zwrmdlsra2e",
        "guardrailVersion": "DRAFT",
    }
    if streamed:
        chunk = {"outputText": "Input blocked", "index": 0, "totalOutputTextTokenCount": 3, "inputTextTokenCount": 6,
                 "completionReason": "FINISH", "amazon-bedrock-guardrailAction": "INTERVENED", "amazon-bedrock-trace": TRACE}  # fmt: skip
        emu.script(Reply.stream([chunk_event(chunk)]))
        list(client.invoke_model_with_response_stream(**params)["body"])
    else:
        emu.script(Reply.json(body))
        assert json.loads(client.invoke_model(**params)["body"].read()) == body
    span_attrs = attrs(instrumented.span())
    assert span_attrs["gen_ai.response.finish_reasons"] == ("content_filter",)
    assert interventions(instrumented) == {k: 1 for k in EXPECTED_INTERVENTIONS}
    assert_no_matches_recorded(instrumented)


def test_guardrail_that_did_not_intervene_counts_nothing(instrumented, emu, client):
    body = {"inputTextTokenCount": 6, "results": [{"tokenCount": 3, "outputText": "ok", "completionReason": "FINISH"}],
            "amazon-bedrock-guardrailAction": "NONE"}  # fmt: skip
    emu.script(Reply.json(body))
    client.invoke_model(
        modelId="amazon.titan-text-express-v1", body=b"{}", guardrailIdentifier="g1", guardrailVersion="1"
    )["body"].read()
    assert attrs(instrumented.span())["gen_ai.response.finish_reasons"] == ("stop",)
    assert instrumented.points("aws.bedrock.guardrail.interventions") == []


@pytest.mark.skipif(not botocore_knows("ApplyGuardrail"), reason="no ApplyGuardrail in this botocore")
def test_apply_guardrail(instrumented, emu, client):
    intervened = {
        "usage": {"topicPolicyUnits": 2, "contentPolicyUnits": 2, "wordPolicyUnits": 0, "sensitiveInformationPolicyUnits": 1},
        "action": "GUARDRAIL_INTERVENED",
        "outputs": [{"text": "Sorry."}],
        "assessments": [{"contentPolicy": {"filters": [{"type": "HATE", "confidence": "HIGH", "action": "BLOCKED"}]}}],
    }  # fmt: skip
    emu.script(Reply.json(intervened, headers={"x-amzn-RequestId": "g-req"}))
    result = client.apply_guardrail(guardrailIdentifier="5zwrmdlsra2e", guardrailVersion="3", source="OUTPUT",
                                    content=[{"text": {"text": "something hateful"}}])  # fmt: skip
    assert result["action"] == "GUARDRAIL_INTERVENED"
    assert emu.served[-1].path == "/guardrail/5zwrmdlsra2e/version/3/apply"
    span = instrumented.span()
    assert span.name == "apply_guardrail 5zwrmdlsra2e"
    span_attrs = attrs(span)
    assert {k: v for k, v in span_attrs.items() if k.startswith("aws.bedrock.guardrail")} == {
        "aws.bedrock.guardrail.id": "5zwrmdlsra2e",
        "aws.bedrock.guardrail.version": "3",
        "aws.bedrock.guardrail.source": "OUTPUT",
        "aws.bedrock.guardrail.action": "GUARDRAIL_INTERVENED",
        "aws.bedrock.guardrail.usage.topic_policy_units": 2,
        "aws.bedrock.guardrail.usage.content_policy_units": 2,
        "aws.bedrock.guardrail.usage.word_policy_units": 0,
        "aws.bedrock.guardrail.usage.sensitive_information_policy_units": 1,
    }
    assert span_attrs["gen_ai.operation.name"] == "apply_guardrail"
    assert "gen_ai.request.model" not in span_attrs
    assert "something hateful" not in json.dumps(span_attrs)
    assert interventions(instrumented) == {("content", "BLOCKED"): 1}
    assert token_sums(instrumented) == {}


# ----------------------------------------------------------------------------- other operations


@pytest.mark.skipif(not botocore_knows("CountTokens"), reason="no CountTokens in this botocore")
def test_count_tokens(instrumented, emu, client):
    client.count_tokens(modelId=MODEL, input={"converse": {"messages": MESSAGES}})
    span = instrumented.span()
    assert span.name == f"count_tokens {MODEL}"
    assert span.attributes["aws.bedrock.count_tokens.input_tokens"] == emu.served[-1].usage[0]
    assert "gen_ai.usage.input_tokens" not in span.attributes
    assert token_sums(instrumented) == {}
    assert "aws.bedrock.usage.cost" not in span.attributes
    assert (
        only_point(instrumented, "gen_ai.client.operation.duration").attributes["gen_ai.operation.name"]
        == "count_tokens"
    )


@pytest.mark.skipif(not botocore_knows("StartAsyncInvoke"), reason="no async invoke in this botocore")
def test_async_invoke(instrumented, emu, client):
    arn = client.start_async_invoke(
        modelId="amazon.nova-reel-v1:0",
        modelInput={"taskType": "TEXT_VIDEO", "textToVideoParams": {"text": "a secret prompt"}},
        outputDataConfig={"s3OutputDataConfig": {"s3Uri": "s3://bucket/out"}},
    )["invocationArn"]
    status = client.get_async_invoke(invocationArn=arn)["status"]
    listed = client.list_async_invokes(maxResults=10)["asyncInvokeSummaries"]
    assert (status, len(listed)) == ("Completed", 2)
    start, get, listing = instrumented.spans()
    assert start.name == "start_async_invoke amazon.nova-reel-v1:0"
    assert start.attributes["aws.bedrock.async_invoke.arn"] == arn
    assert get.name == "get_async_invoke"
    assert get.attributes["aws.bedrock.async_invoke.arn"] == arn
    assert get.attributes["aws.bedrock.async_invoke.status"] == "Completed"
    assert (
        get.attributes["gen_ai.response.model"]
        == "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-reel-v1:0"
    )
    assert listing.name == "list_async_invokes"
    assert listing.attributes["aws.bedrock.async_invoke.count"] == 2
    assert "a secret prompt" not in json.dumps([dict(s.attributes) for s in instrumented.spans()])


@pytest.mark.parametrize("model", ["amazon.titan-image-generator-v2:0", "amazon.nova-canvas-v1:0"])
def test_image_generation(instrumented, emu, client, model):
    body = {"taskType": "TEXT_IMAGE", "textToImageParams": {"text": "a lighthouse"},
            "imageGenerationConfig": {"numberOfImages": 2, "height": 512, "width": 768, "seed": 42, "cfgScale": 8}}  # fmt: skip
    result = client.invoke_model(modelId=model, body=json.dumps(body))
    images = json.loads(result["body"].read())["images"]
    assert len(images) == 2
    span = instrumented.span()
    assert span.name == f"generate_content {model}"
    span_attrs = attrs(span)
    assert {k: span_attrs[k] for k in ("gen_ai.operation.name", "gen_ai.output.type", "gen_ai.request.seed",
                                         "aws.bedrock.image.count", "aws.bedrock.image.width", "aws.bedrock.image.height")} == {
        "gen_ai.operation.name": "generate_content", "gen_ai.output.type": "image", "gen_ai.request.seed": 42,
        "aws.bedrock.image.count": 2, "aws.bedrock.image.width": 768, "aws.bedrock.image.height": 512,
    }  # fmt: skip
    assert images[0] not in json.dumps(span_attrs)


def test_stability_image_generation(instrumented, emu, client):
    model = "stability.sd3-5-large-v1:0"
    result = client.invoke_model(
        modelId=model, body=json.dumps({"prompt": "a fox", "seed": 7, "mode": "text-to-image"})
    )
    assert json.loads(result["body"].read())["seeds"] == [7]
    span_attrs = attrs(instrumented.span())
    assert (span_attrs["gen_ai.operation.name"], span_attrs["gen_ai.request.seed"]) == ("generate_content", 7)


# ----------------------------------------------------------------------------- request context and exemplars


@pytest.mark.skipif(
    not (
        shape_has("ConverseRequest", "serviceTier", "performanceConfig")
        and shape_has("ConverseResponse", "serviceTier")
    ),
    reason="this botocore has no service tier",
)
def test_service_tier_and_latency_mode_in_converse(instrumented, emu, client):
    body = converse_body((3, 4), 50)
    body.update({"serviceTier": {"type": "priority"}, "performanceConfig": {"latency": "optimized"}})
    emu.script(Reply.json(body))
    client.converse(
        modelId=MODEL,
        messages=MESSAGES,
        serviceTier={"type": "priority"},
        performanceConfig={"latency": "optimized"},
    )
    span_attrs = attrs(instrumented.span())
    assert {k: v for k, v in span_attrs.items() if "service_tier" in k or "performance_config" in k} == {
        "aws.bedrock.request.service_tier": "priority",
        "aws.bedrock.request.performance_config.latency": "optimized",
        "aws.bedrock.response.service_tier": "priority",
        "aws.bedrock.response.performance_config.latency": "optimized",
    }


@pytest.mark.skipif(
    not shape_has("InvokeModelRequest", "serviceTier"), reason="this botocore has no service tier"
)
def test_service_tier_in_invoke_model_headers(instrumented, emu, client):
    emu.script(Reply.json({"results": [{"outputText": "x", "tokenCount": 1}], "inputTextTokenCount": 1},
                          headers={"x-amzn-bedrock-service-tier": "flex", "x-amzn-bedrock-performanceconfig-latency": "standard"}))  # fmt: skip
    client.invoke_model(modelId="amazon.titan-text-express-v1", body=b"{}", serviceTier="flex")
    span_attrs = attrs(instrumented.span())
    assert span_attrs["aws.bedrock.request.service_tier"] == "flex"
    assert span_attrs["aws.bedrock.response.service_tier"] == "flex"
    assert span_attrs["aws.bedrock.response.performance_config.latency"] == "standard"


def test_metric_points_carry_exemplars_of_the_span(instrumented, emu, client):
    list(client.converse_stream(modelId=MODEL, messages=MESSAGES)["stream"])
    span = instrumented.span()
    names = ("gen_ai.client.inference.duration", "gen_ai.client.inference.operation.input_tokens",
             "gen_ai.client.inference.operation.output_tokens", "gen_ai.client.inference.usage.input_tokens",
             "gen_ai.client.inference.usage.output_tokens", "gen_ai.server.request.duration",
             "gen_ai.client.inference.time_to_first_chunk", "aws.bedrock.client.cost")  # fmt: skip
    metrics = instrumented.metrics()  # one collection: the SDK hands each exemplar out once
    for name in names:
        points = list(metrics[name].data.data_points)
        assert points, name
        for point in points:
            assert point.exemplars, name
            for exemplar in point.exemplars:
                assert (exemplar.trace_id, exemplar.span_id) == (
                    span.context.trace_id,
                    span.context.span_id,
                ), name
    tokens = {
        kind: sum(p.sum for p in metrics[f"gen_ai.client.inference.operation.{kind}_tokens"].data.data_points)
        for kind in ("input", "output")
    }
    assert tokens == dict(zip(("input", "output"), emu.served[-1].usage))


@pytest.mark.skipif(
    not botocore_knows("Converse", "trace", output=True), reason="this botocore drops the trace"
)
def test_recorded_guardrail_intervention(instrumented, emu, client):
    """Real Bedrock traffic: a guardrail that anonymised addresses in Titan's answer."""
    import yaml

    from replay import RECORDINGS, reply

    data = yaml.safe_load(
        (RECORDINGS / "openllmetry/test_guardrails/test_guardrail_converse.yaml").read_text()
    )
    (interaction,) = data["interactions"]
    emu.script(reply(interaction))
    client.converse(modelId="amazon.titan-text-express-v1", **json.loads(interaction["request"]["body"]))
    assert attrs(instrumented.span())["gen_ai.response.finish_reasons"] == ("content_filter",)
    assert interventions(instrumented) == {("sensitive_information", "ANONYMIZED"): 1}
