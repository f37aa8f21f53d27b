"""deploy/adot/collector.yaml (awsemf metric declarations) and deploy/cloudwatch/ (dashboard body and
alarm template) against what the instrumentation really emits: a workload of every kind of call runs
against the emulator, and every metric the artefacts name must be one we emit, with the dimensions they
give, on the collector's bounded dimension sets; no declared dimension set may use an unbounded
attribute. Loading into moto and cfn-lint run in tox -e adot (tests/adot/test_cloudwatch_moto.py)."""

from __future__ import annotations

import re
from typing import Any

import botocore.session
import pytest
from botocore.exceptions import ClientError

from bedrock_emulator import Reply, converse_body
from cloudwatch_refs import (
    alarm_refs,
    collector_dimension_sets,
    collector_selectors,
    dashboard_refs,
    load_template,
    render,
)
from conftest import instrumentation
from helpers import botocore_knows, shape_has

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
MESSAGES = [{"role": "user", "content": [{"text": "hi"}]}]
GUARDRAIL = {"guardrailIdentifier": "gr1", "guardrailVersion": "1", "trace": "enabled"}
INTERVENTION_TRACE = {"guardrail": {"inputAssessment": {"gr1": {"topicPolicy": {"topics": [
    {"name": "Secrets", "type": "DENY", "action": "BLOCKED"}]}}}}}  # fmt: skip
# Attributes whose values grow without bound, or that only say where the endpoint is: never a dimension.
UNBOUNDED = {"server.address", "server.port", "aws.request_id", "gen_ai.response.id", "gen_ai.conversation.id",
             "gen_ai.response.model", "aws.bedrock.guardrail.id", "gen_ai.agent.id"}  # fmt: skip
V141_ONLY = frozenset({"gen_ai.request.model", "gen_ai.token.type"})
# Older botocore releases (the lowest env) lack Converse's guardrailConfig and drop its cache usage.
GUARDRAILS = botocore_knows("Converse", "guardrailConfig")
CACHE_USAGE = shape_has("TokenUsage", "cacheReadInputTokens")
UNREACHABLE: set[str] = set() if CACHE_USAGE else {"gen_ai.client.inference.usage.cache_read.input_tokens"}
AGENT_OPERATIONS = botocore.session.get_session().get_service_model("bedrock-agent-runtime").operation_names
INLINE_AGENTS = "InvokeInlineAgent" in AGENT_OPERATIONS


def workload(emu: Any, make_client: Any, compat: bool = False) -> dict[str, list[dict[str, Any]]]:
    """Metric name -> the attributes of each of its points, from one call of every kind the artefacts
    watch: cache reads, a stream, a throttled attempt retried, a throttled failure, a guardrail
    intervention, an agent with its trace, an inline agent, a retrieval."""
    client, retrying = make_client(), make_client(retries={"mode": "standard", "total_max_attempts": 2})
    agents = make_client("bedrock-agent-runtime")
    with instrumentation(**({"semconv_compat": "v1.41"} if compat else {})) as telemetry:
        body = converse_body((10, 4), 250)
        body["usage"].update({"cacheReadInputTokens": 30})
        emu.script(Reply.json(body))
        client.converse(modelId=MODEL, messages=MESSAGES)
        list(client.converse_stream(modelId=MODEL, messages=MESSAGES)["stream"])
        emu.script(Reply.error("ThrottlingException", "slow"), Reply.json(converse_body((5, 2), 100)))
        retrying.converse(modelId=MODEL, messages=MESSAGES)
        emu.script(Reply.error("ThrottlingException", "slow"))
        with pytest.raises(ClientError):
            client.converse(modelId=MODEL, messages=MESSAGES)
        intervened = converse_body((10, 5), 300, "guardrail_intervened")
        intervened["trace"] = INTERVENTION_TRACE
        emu.script(Reply.json(intervened))
        if GUARDRAILS:
            client.converse(modelId=MODEL, messages=MESSAGES, guardrailConfig=GUARDRAIL)
        else:
            client.converse(modelId=MODEL, messages=MESSAGES)
        list(agents.invoke_agent(agentId="AGENT12345", agentAliasId="TSTALIASID", sessionId="s1", inputText="hi",
                                 enableTrace=True)["completion"])  # fmt: skip
        agents.retrieve(knowledgeBaseId="KB12345678", retrievalQuery={"text": "q"})
        if "InvokeInlineAgent" in agents.meta.service_model.operation_names:  # by agent name
            list(agents.invoke_inline_agent(sessionId="inline-1", agentName="travel-helper", foundationModel=MODEL,
                                            instruction="Help travellers pick clothes for the weather.",
                                            inputText="hi")["completion"])  # fmt: skip
    return {
        name: [dict(p.attributes) for p in metric.data.data_points]
        for name, metric in telemetry.metrics().items()
    }


@pytest.fixture
def emitted(emu: Any, make_client: Any) -> dict[str, list[dict[str, Any]]]:
    return workload(emu, make_client)


def test_the_workload_covers_what_the_artefacts_watch(emitted):
    for name in ("gen_ai.client.inference.usage.cache_read.input_tokens", "aws.bedrock.client.throttled_attempts",
                 "aws.bedrock.guardrail.interventions", "gen_ai.client.inference.time_to_first_chunk",
                 "gen_ai.invoke_agent.duration", "gen_ai.execute_tool.duration"):  # fmt: skip
        assert (name in emitted) is (name not in UNREACHABLE), name
    failed = [p for p in emitted["gen_ai.client.inference.duration"] if "error.type" in p]
    assert failed == [{"gen_ai.operation.name": "chat", "gen_ai.provider.name": "aws.bedrock",
                       "gen_ai.request.model": MODEL, "server.address": "127.0.0.1", "server.port": failed[0]["server.port"],
                       "error.type": "ThrottlingException"}]  # fmt: skip


def test_collector_dimensions_are_bounded_and_each_selects_our_metrics(emitted):
    sets = collector_dimension_sets()
    assert frozenset({"gen_ai.request.model", "gen_ai.operation.name"}) in sets
    assert frozenset({"gen_ai.request.model", "error.type"}) in sets
    for dimensions in sets:
        assert not dimensions & UNBOUNDED, sorted(dimensions)
        if dimensions == V141_ONLY:
            continue  # the compatibility mode's token histogram: checked below
        if "gen_ai.agent.name" in dimensions and not INLINE_AGENTS:
            continue  # only inline agents have a name, and this botocore has none
        matching = [name for name, points in emitted.items() if any(dimensions <= set(p) for p in points)]
        assert matching, f"{sorted(dimensions)} selects none of our metrics"


def test_collector_selectors_take_every_metric_we_emit(emitted):
    selectors = [re.compile(s) for s in collector_selectors()]
    for name in emitted:
        assert any(s.search(name) for s in selectors), name
    for name, points in emitted.items():  # each lands under at least the operation-only dimension set
        assert all("gen_ai.operation.name" in p for p in points), name


def test_the_compatibility_token_dimensions_select_its_histogram(emu, make_client):
    emitted = workload(emu, make_client, compat=True)
    assert any(set(p) >= V141_ONLY for p in emitted["gen_ai.client.token.usage"])


def refs() -> list[Any]:
    return dashboard_refs() + alarm_refs(render(load_template()))


def test_the_artefacts_name_metrics(emitted):
    names = {r.metric for r in refs()}
    assert len([r for r in refs() if r.namespace == "GenAI/Bedrock"]) == 22
    assert names >= {
        "gen_ai.client.inference.usage.input_tokens", "gen_ai.client.inference.usage.output_tokens",
        "aws.bedrock.client.cost", "gen_ai.client.inference.duration", "gen_ai.server.request.duration",
        "gen_ai.client.inference.time_to_first_chunk", "aws.bedrock.client.throttled_attempts",
        "gen_ai.client.inference.usage.cache_read.input_tokens", "aws.bedrock.guardrail.interventions",
    }  # fmt: skip


@pytest.mark.parametrize("ref", refs(), ids=repr)
def test_every_metric_they_name_is_one_we_emit_with_those_dimensions(emitted, ref):
    if ref.namespace == "AWS/Bedrock":  # Bedrock's own metrics, beside ours on the dashboard
        assert ref.metric in ("Invocations", "InvocationThrottles") and list(ref.dimensions) == ["ModelId"]
        return
    assert ref.namespace == "GenAI/Bedrock"
    if ref.metric in UNREACHABLE:
        pytest.skip(f"this botocore cannot produce {ref.metric}")
    assert ref.metric in emitted, f"{ref.metric} is not a metric we emit"
    dimensions = frozenset(ref.dimensions)
    assert dimensions in collector_dimension_sets(), (
        f"{sorted(dimensions)}: not a dimension set the collector sends"
    )
    matching = [p for p in emitted[ref.metric]
                if all(k in p and (v is None or p[k] == v) for k, v in ref.dimensions.items())]  # fmt: skip
    assert matching, f"no point of {ref.metric} carries {ref.dimensions}"
    is_histogram = ref.metric.endswith((".duration", ".time_to_first_chunk"))
    assert (ref.stat in ("p95", "SampleCount")) == is_histogram or ref.stat == "Sum", ref.stat
