"""An app run under ``opentelemetry-instrument`` by the Prometheus integration test: a few Bedrock calls
against the emulator (URL in AWS_ENDPOINT_URL_BEDROCK_RUNTIME and AWS_ENDPOINT_URL_BEDROCK_AGENT_RUNTIME),
then it waits, serving /metrics, until its stdin closes. The test scripts the emulator's odd answers: one
throttled haiku attempt, a nova answer with prompt-cache reads and writes, a refused llama call, a refused
embedding."""

import json
import sys

import boto3
import opentelemetry.exporter.prometheus  # noqa: F401  (fails loudly where the exporter cannot load)
from botocore.config import Config
from botocore.exceptions import ClientError

config = Config(retries={"mode": "standard", "total_max_attempts": 3})
client = boto3.client("bedrock-runtime", config=config)
agents = boto3.client("bedrock-agent-runtime", config=config)
MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
NOVA = "amazon.nova-micro-v1:0"
EMBED = "amazon.titan-embed-text-v2:0"
LLAMA = "meta.llama3-2-1b-instruct-v1:0"
for question in ("one", "two words", "three words here"):
    client.converse(modelId=MODEL, messages=[{"role": "user", "content": [{"text": question}]}])
client.converse(modelId=NOVA, messages=[{"role": "user", "content": [{"text": "a cached prompt"}]}])
for question in ("stream one", "stream two please"):
    for _event in client.converse_stream(
        modelId=NOVA, messages=[{"role": "user", "content": [{"text": question}]}]
    )["stream"]:
        pass
client.converse(modelId=MODEL, messages=[{"role": "user", "content": [{"text": "throttled once"}]}])
try:
    client.converse(modelId=LLAMA, messages=[{"role": "user", "content": [{"text": "refused"}]}])
except ClientError:
    pass
for text in ("refused", "embed these four words"):
    try:
        client.invoke_model(modelId=EMBED, body=json.dumps({"inputText": text, "dimensions": 256}))
    except ClientError:
        pass
completion = agents.invoke_agent(
    agentId="AGENT12345", agentAliasId="TSTALIASID", sessionId="session-42",
    inputText="What should I wear in Paris?", enableTrace=True,
)["completion"]  # fmt: skip
for _event in completion:
    pass
print("ready", flush=True)
sys.stdin.read()
