"""With opentelemetry-instrumentation-botocore and opentelemetry-instrumentation-genai-bedrock active too,
in either order, a Bedrock call still produces exactly one GenAI span and one set of GenAI metric points
(ours); their spans for other AWS services are unaffected. ``tox -e coexist`` installs both."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

botocore_instrumentation = pytest.importorskip("opentelemetry.instrumentation.botocore")
genai_bedrock = pytest.importorskip("opentelemetry.instrumentation.genai.bedrock")

from opentelemetry.instrumentation.botocore import BotocoreInstrumentor  # noqa: E402
from opentelemetry.instrumentation.genai.bedrock import BedrockInstrumentor as GenAIBedrockInstrumentor  # noqa: E402

from opentelemetry_instrumentation_bedrock import BedrockInstrumentor  # noqa: E402

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
MESSAGES = [{"role": "user", "content": [{"text": "hi"}]}]
OURS = "opentelemetry_instrumentation_bedrock"


def genai_spans(telemetry: Any) -> list[Any]:
    return [s for s in telemetry.spans() if any(k.startswith("gen_ai.") for k in (s.attributes or {}))]


def genai_metric_scopes(telemetry: Any) -> dict[str, set[str]]:
    """Metric name -> the instrumentation scopes that recorded it (gen_ai.* metrics only)."""
    out: dict[str, set[str]] = {}
    data = telemetry.reader.get_metrics_data()
    for resource_metrics in data.resource_metrics if data else ():
        for scope_metrics in resource_metrics.scope_metrics:
            for metric in scope_metrics.metrics:
                if metric.name.startswith("gen_ai.") and list(metric.data.data_points):
                    out.setdefault(metric.name, set()).add(scope_metrics.scope.name)
    return out


@pytest.fixture(params=["ours-first", "ours-last"])
def all_three(request, telemetry):
    ours, botocore_tool, genai_tool = (
        BedrockInstrumentor(),
        BotocoreInstrumentor(),
        GenAIBedrockInstrumentor(),
    )
    order = (
        [ours, botocore_tool, genai_tool]
        if request.param == "ours-first"
        else [genai_tool, botocore_tool, ours]
    )
    for tool in order:
        tool.instrument(**telemetry.providers())
    try:
        yield telemetry
    finally:
        for tool in reversed(order):
            tool.uninstrument()


def test_one_genai_span_and_one_set_of_metrics(all_three, emu, client, make_client):
    client.converse(modelId=MODEL, messages=MESSAGES)
    list(client.converse_stream(modelId=MODEL, messages=MESSAGES)["stream"])
    spans = genai_spans(all_three)
    assert [(s.name, s.instrumentation_scope.name) for s in spans] == [(f"chat {MODEL}", OURS)] * 2
    assert len(all_three.spans()) == 2  # and no AWS SDK span for the Bedrock calls either
    scopes = genai_metric_scopes(all_three)
    assert scopes["gen_ai.client.inference.duration"] == {OURS}
    assert scopes["gen_ai.client.inference.usage.input_tokens"] == {OURS}
    # No other instrumentation recorded any GenAI metric (theirs would be the v1.41.0 token.usage).
    assert set().union(*scopes.values()) == {OURS}
    assert "gen_ai.client.token.usage" not in scopes

    # Agents too: one span for the agent call (ours) and its rebuilt children, nothing from the others.
    agents = make_client("bedrock-agent-runtime")
    list(
        agents.invoke_agent(agentId="AGENT12345", agentAliasId="AL1", sessionId="s-1", inputText="hi")[
            "completion"
        ]
    )
    assert [s.instrumentation_scope.name for s in all_three.spans()[2:]] == [OURS]

    # Other AWS services still get the botocore instrumentation's spans.
    with pytest.raises(ClientError):
        make_client("s3").head_object(Bucket="bucket", Key="key")
    s3_spans = [s for s in all_three.spans() if s.attributes.get("rpc.service") == "S3"]
    assert [s.name for s in s3_spans] == ["S3.HeadObject"]


def test_they_come_back_when_ours_is_uninstrumented(telemetry, emu, client):
    ours, botocore_tool = BedrockInstrumentor(), BotocoreInstrumentor()
    botocore_tool.instrument(**telemetry.providers())
    ours.instrument(**telemetry.providers())
    ours.uninstrument()
    try:
        client.converse(modelId=MODEL, messages=MESSAGES)
    finally:
        botocore_tool.uninstrument()
    scopes = {s.instrumentation_scope.name for s in genai_spans(telemetry)}
    assert scopes and OURS not in scopes
