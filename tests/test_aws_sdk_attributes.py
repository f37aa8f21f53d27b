"""The AWS SDK client-span attributes on our spans (rpc.system/service/method, cloud.region,
aws.request_id, aws.bedrock.agent.id): the values opentelemetry-instrumentation-botocore records for
the same call, so X-Ray and Application Signals see the same dependency as without us. ADOT's own view
of them is checked in tests/adot/ (tox -e adot)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from bedrock_emulator import Reply, converse_body
from helpers import attrs, botocore_knows
from opentelemetry_instrumentation_bedrock.telemetry import aws_sdk

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
MESSAGES = [{"role": "user", "content": [{"text": "hi"}]}]


def sdk(span: Any) -> dict[str, Any]:
    keys = (
        "rpc.system",
        "rpc.service",
        "rpc.method",
        "cloud.region",
        "aws.request_id",
        "aws.bedrock.agent.id",
    )
    found = attrs(span)
    return {k: found[k] for k in keys if k in found}


def test_converse_and_its_stream(instrumented, emu, client):
    emu.script(Reply.json(converse_body((3, 2), 10), headers={"x-amzn-RequestId": "rid-converse"}))
    client.converse(modelId=MODEL, messages=MESSAGES)
    list(client.converse_stream(modelId=MODEL, messages=MESSAGES)["stream"])
    first, second = instrumented.spans()
    assert sdk(first) == {"rpc.system": "aws-api", "rpc.service": "Bedrock Runtime", "rpc.method": "Converse",
                          "cloud.region": "us-east-1", "aws.request_id": "rid-converse"}  # fmt: skip
    assert sdk(second) == {"rpc.system": "aws-api", "rpc.service": "Bedrock Runtime",
                           "rpc.method": "ConverseStream", "cloud.region": "us-east-1",
                           "aws.request_id": emu.served[-1].request_id}  # fmt: skip


def test_region_is_the_clients(instrumented, emu):
    client = boto3.client("bedrock-runtime", region_name="eu-west-3", endpoint_url=emu.url,
                          config=Config(retries={"total_max_attempts": 1}))  # fmt: skip
    client.converse(modelId=MODEL, messages=MESSAGES)
    assert sdk(instrumented.span())["cloud.region"] == "eu-west-3"


def test_a_failed_call_keeps_them_and_the_error_request_id(instrumented, emu, client):
    emu.script(Reply.error("ThrottlingException", "slow", headers={"x-amzn-RequestId": "rid-throttled"}))
    with pytest.raises(ClientError):
        client.converse(modelId=MODEL, messages=MESSAGES)
    assert sdk(instrumented.span()) == {"rpc.system": "aws-api", "rpc.service": "Bedrock Runtime",
                                        "rpc.method": "Converse", "cloud.region": "us-east-1",
                                        "aws.request_id": "rid-throttled"}  # fmt: skip


@pytest.mark.parametrize(("code", "status"), [("ThrottlingException", 429), ("InternalServerException", 500)])
def test_a_failed_call_records_its_http_status_for_error_or_fault(instrumented, emu, client, code, status):
    """X-Ray and Application Signals tell an error (4xx) from a fault (5xx) by the HTTP status, which
    they read from the older ``http.status_code``."""
    emu.script(Reply.error(code, "no", status=status))
    with pytest.raises(ClientError):
        client.converse(modelId=MODEL, messages=MESSAGES)
    span_attrs = attrs(instrumented.span())
    assert (span_attrs["http.response.status_code"], span_attrs["http.status_code"]) == (status, status)
    assert span_attrs["error.type"] == code


def test_a_successful_call_records_no_status(instrumented, emu, client):
    client.converse(modelId=MODEL, messages=MESSAGES)
    assert not {"http.response.status_code", "http.status_code"} & set(attrs(instrumented.span()))


def test_agent_runtime_calls(instrumented, emu, make_client):
    agents = make_client("bedrock-agent-runtime")
    list(agents.invoke_agent(agentId="AGENT12345", agentAliasId="TSTALIASID", sessionId="s1",
                             inputText="hi")["completion"])  # fmt: skip
    agents.retrieve(knowledgeBaseId="KB12345678", retrievalQuery={"text": "q"})
    agent, retrieve = instrumented.spans()
    assert sdk(agent) == {"rpc.system": "aws-api", "rpc.service": "Bedrock Agent Runtime",
                          "rpc.method": "InvokeAgent", "cloud.region": "us-east-1",
                          "aws.request_id": emu.served[0].request_id, "aws.bedrock.agent.id": "AGENT12345"}  # fmt: skip
    assert attrs(agent)["gen_ai.agent.id"] == "AGENT12345"
    assert sdk(retrieve) == {"rpc.system": "aws-api", "rpc.service": "Bedrock Agent Runtime",
                             "rpc.method": "Retrieve", "cloud.region": "us-east-1",
                             "aws.request_id": emu.served[1].request_id}  # fmt: skip
    assert attrs(retrieve)["aws.bedrock.knowledge_base.id"] == "KB12345678"


@pytest.mark.skipif(not botocore_knows("ApplyGuardrail"), reason="no ApplyGuardrail in this botocore")
def test_apply_guardrail(instrumented, emu, client):
    client.apply_guardrail(guardrailIdentifier="gr-1", guardrailVersion="1", source="INPUT",
                           content=[{"text": {"text": "t"}}])  # fmt: skip
    span_attrs = attrs(instrumented.span())
    assert (span_attrs["rpc.method"], span_attrs["aws.bedrock.guardrail.id"]) == ("ApplyGuardrail", "gr-1")


def test_the_attributes_are_built_once_per_service_operation_and_region(instrumented, emu, client):
    aws_sdk._CACHE.clear()
    for _ in range(3):
        client.converse(modelId=MODEL, messages=MESSAGES)
    assert list(aws_sdk._CACHE) == [("bedrock-runtime", "Converse", "us-east-1")]
    assert len(instrumented.spans()) == 3
