"""The app the ADOT tests run in a child process, as ``opentelemetry-instrument`` would: ADOT's distro
and configurator from the environment, then five Bedrock calls against the emulator.

Two guards come first. ADOT's configurator asks the EC2, ECS and EKS resource detectors, and the EC2
one calls the instance metadata address: here it returns an empty resource instead. And every socket
connection off the loopback range fails loudly, so nothing can leave the machine.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import sys
from typing import Any

_connect = socket.socket.connect


def _loopback_only(self: socket.socket, address: Any) -> Any:
    host = address[0] if isinstance(address, tuple) else None
    if host is not None:
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = host == "localhost"
        if not loopback:
            raise OSError(f"adot_app: refusing a connection to {host} (loopback only)")
    return _connect(self, address)


socket.socket.connect = _loopback_only  # type: ignore[method-assign]

from opentelemetry.sdk.extension.aws.resource import ec2  # noqa: E402
from opentelemetry.sdk.resources import Resource  # noqa: E402

ec2.AwsEc2ResourceDetector.detect = lambda self: Resource.get_empty()  # type: ignore[method-assign]

from opentelemetry.instrumentation.auto_instrumentation import initialize  # noqa: E402

initialize()  # what opentelemetry-instrument's sitecustomize does

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402
from opentelemetry import metrics, trace  # noqa: E402

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
MESSAGES = [{"role": "user", "content": [{"text": "hello from ADOT"}]}]


def main() -> None:
    config = Config(retries={"total_max_attempts": 1})
    runtime = boto3.client("bedrock-runtime", region_name="us-east-1", config=config)
    agents = boto3.client("bedrock-agent-runtime", region_name="us-east-1", config=config)
    calls = os.environ.get("ADOT_APP_CALLS", "converse,stream,agent,retrieve,guardrail").split(",")
    if "throttled" in calls:  # the emulator was scripted to throttle this one
        try:
            runtime.converse(modelId=MODEL, messages=MESSAGES)
        except ClientError:
            pass
    if "converse" in calls:
        runtime.converse(modelId=MODEL, messages=MESSAGES, inferenceConfig={"maxTokens": 64})
    if "stream" in calls:
        for _event in runtime.converse_stream(modelId="amazon.nova-micro-v1:0", messages=MESSAGES)["stream"]:
            pass
    if "agent" in calls:
        completion = agents.invoke_agent(agentId="AGENT12345", agentAliasId="TSTALIASID", sessionId="s-1",
                                         inputText="hi")["completion"]  # fmt: skip
        for _event in completion:
            pass
    if "retrieve" in calls:
        agents.retrieve(knowledgeBaseId="KB12345678", retrievalQuery={"text": "what to wear"})
    if "guardrail" in calls:
        runtime.apply_guardrail(guardrailIdentifier="gr-abc123", guardrailVersion="1", source="INPUT",
                                content=[{"text": {"text": "is this fine?"}}])  # fmt: skip
    for provider in (trace.get_tracer_provider(), metrics.get_meter_provider()):
        shutdown = getattr(provider, "shutdown", None)  # exports what is left, once
        if shutdown is not None:
            shutdown()


if __name__ == "__main__":
    main()
    sys.exit(0)
