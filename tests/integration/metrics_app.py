"""An app run under ``opentelemetry-instrument`` by the Prometheus integration test: a few Bedrock calls
against the emulator (URL in AWS_ENDPOINT_URL_BEDROCK_RUNTIME), then it waits, serving /metrics, until
its stdin closes."""

import sys

import boto3
from botocore.config import Config

client = boto3.client("bedrock-runtime", config=Config(retries={"mode": "standard", "total_max_attempts": 3}))
MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
for question in ("one", "two words", "three words here"):
    client.converse(modelId=MODEL, messages=[{"role": "user", "content": [{"text": question}]}])
for question in ("stream one", "stream two please"):
    for _event in client.converse_stream(
        modelId="amazon.nova-micro-v1:0", messages=[{"role": "user", "content": [{"text": question}]}]
    )["stream"]:
        pass
client.converse(modelId=MODEL, messages=[{"role": "user", "content": [{"text": "throttled once"}]}])
print("ready", flush=True)
sys.stdin.read()
