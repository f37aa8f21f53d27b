"""A small Bedrock app: a realistic mix of calls across model families.

Run it under zero-code instrumentation::

    opentelemetry-instrument python demo/app.py

With ``AWS_ENDPOINT_URL_BEDROCK_RUNTIME`` set (``demo/run_demo.py`` sets it to the local emulator) it
talks to that endpoint; unset, boto3 uses real Bedrock with your credentials and region.

The app itself knows nothing about Bedrock telemetry beyond one optional nicety: if an OpenTelemetry
SDK tracer provider is installed, it adds a span processor that prints each span on one line and a
per-model summary at the end, so you can see what the instrumentation recorded.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any, Callable

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from summary import SummaryProcessor

CLAUDE = os.environ.get("DEMO_CLAUDE_MODEL", "us.anthropic.claude-3-haiku-20240307-v1:0")
NOVA = os.environ.get("DEMO_NOVA_MODEL", "us.amazon.nova-lite-v1:0")
LLAMA = os.environ.get("DEMO_LLAMA_MODEL", "us.meta.llama3-2-1b-instruct-v1:0")
TITAN = os.environ.get("DEMO_TITAN_MODEL", "amazon.titan-text-express-v1")
EMBED = os.environ.get("DEMO_EMBED_MODEL", "amazon.titan-embed-text-v2:0")
MISTRAL = os.environ.get("DEMO_MISTRAL_MODEL", "mistral.mistral-7b-instruct-v0:2")
THROTTLED = os.environ.get("DEMO_THROTTLED_MODEL", "cohere.command-r-v1:0")

QUESTIONS = [
    "What is OpenTelemetry in one sentence?",
    "Name three signals OpenTelemetry collects.",
    "Why measure time to first token for a chat model?",
    "Explain token usage metrics to a finance team.",
]


def converse(client: Any, model: str, question: str) -> str:
    response = client.converse(
        modelId=model,
        system=[{"text": "You are a concise assistant."}],
        messages=[{"role": "user", "content": [{"text": question}]}],
        inferenceConfig={"maxTokens": 200, "temperature": 0.3},
    )
    return str(response["output"]["message"]["content"][0]["text"])


def converse_stream(client: Any, model: str, question: str) -> str:
    """Stream the answer and read it to the end, as a chat UI would."""
    response = client.converse_stream(
        modelId=model,
        messages=[{"role": "user", "content": [{"text": question}]}],
        inferenceConfig={"maxTokens": 200},
    )
    pieces = []
    for event in response["stream"]:
        if "contentBlockDelta" in event:
            pieces.append(event["contentBlockDelta"]["delta"].get("text", ""))
    return "".join(pieces)


def stream_claude(client: Any, question: str, stop_after: int = 0) -> str:
    """InvokeModelWithResponseStream with Claude's own body; ``stop_after`` > 0 stops reading early
    (a user pressing "stop") and closes the stream."""
    body = {
        "anthropic_version": "bedrock-2023-05-31",
        "max_tokens": 200,
        "messages": [{"role": "user", "content": question}],
    }
    stream = client.invoke_model_with_response_stream(modelId=CLAUDE, body=json.dumps(body))["body"]
    pieces = []
    for event in stream:
        chunk = json.loads(event["chunk"]["bytes"])
        if chunk.get("type") == "content_block_delta":
            pieces.append(chunk["delta"].get("text", ""))
            if stop_after and len(pieces) >= stop_after:
                stream.close()
                break
    return "".join(pieces)


def invoke_claude(client: Any, question: str) -> str:
    body = {
        "anthropic_version": "bedrock-2023-05-31",
        "max_tokens": 200,
        "temperature": 0.2,
        "messages": [{"role": "user", "content": question}],
    }
    response = client.invoke_model(modelId=CLAUDE, body=json.dumps(body))
    return str(json.loads(response["body"].read())["content"][0]["text"])


def invoke_llama(client: Any, question: str) -> str:
    body = {"prompt": question, "max_gen_len": 128, "temperature": 0.5, "top_p": 0.9}
    response = client.invoke_model(modelId=LLAMA, body=json.dumps(body))
    return str(json.loads(response["body"].read())["generation"])


def invoke_titan(client: Any, question: str) -> str:
    body = {"inputText": question, "textGenerationConfig": {"maxTokenCount": 256, "temperature": 0.4}}
    response = client.invoke_model(modelId=TITAN, body=json.dumps(body))
    return str(json.loads(response["body"].read())["results"][0]["outputText"])


def invoke_mistral(client: Any, question: str) -> str:
    body = {"prompt": f"<s>[INST] {question} [/INST]", "max_tokens": 128, "temperature": 0.5}
    response = client.invoke_model(modelId=MISTRAL, body=json.dumps(body))
    return str(json.loads(response["body"].read())["outputs"][0]["text"])


def embed(client: Any, question: str) -> str:
    body = {"inputText": question, "dimensions": 256}
    response = client.invoke_model(modelId=EMBED, body=json.dumps(body))
    return f"{len(json.loads(response['body'].read())['embedding'])}-dimension embedding"


def command_r(client: Any, question: str) -> str:
    body = {"message": question, "max_tokens": 100}
    response = client.invoke_model(modelId=THROTTLED, body=json.dumps(body))
    return str(json.loads(response["body"].read())["text"])


def main() -> int:
    summary = SummaryProcessor.install()
    client = boto3.client(
        "bedrock-runtime", config=Config(retries={"mode": "standard", "total_max_attempts": 2})
    )
    print(f"Bedrock endpoint: {client.meta.endpoint_url}\n")
    work: list[tuple[str, Callable[[Any, str], str], str]] = []
    for question in QUESTIONS:
        work.append(("converse claude", lambda c, q: converse(c, CLAUDE, q), question))
        work.append(("converse nova", lambda c, q: converse(c, NOVA, q), question))
    work += [
        ("stream claude", lambda c, q: converse_stream(c, CLAUDE, q), QUESTIONS[0]),
        ("stream nova", lambda c, q: converse_stream(c, NOVA, q), QUESTIONS[1]),
        ("stream llama", lambda c, q: converse_stream(c, LLAMA, q), QUESTIONS[2]),
        ("invoke-stream claude", stream_claude, QUESTIONS[2]),
        ("stopped early", lambda c, q: stream_claude(c, q, stop_after=3), QUESTIONS[3]),
        ("invoke claude", invoke_claude, QUESTIONS[0]),
        ("invoke claude", invoke_claude, QUESTIONS[1]),
        ("invoke llama", invoke_llama, QUESTIONS[2]),
        ("invoke titan", invoke_titan, QUESTIONS[3]),
        ("invoke mistral", invoke_mistral, QUESTIONS[0]),
        ("embed titan", embed, QUESTIONS[1]),
        ("embed titan", embed, QUESTIONS[2]),
        ("invoke command-r", command_r, QUESTIONS[3]),
    ]
    failures = 0
    for label, func, question in work:
        try:
            answer = func(client, question)
            print(f"  ok    {label:<20} {answer[:60]!r}")
        except ClientError as exc:
            failures += 1
            print(f"  error {label:<20} {exc.response['Error']['Code']}: {exc.response['Error']['Message']}")
    if summary is None:
        print("\n(no OpenTelemetry SDK tracer provider: run under opentelemetry-instrument to see telemetry)")
        return 0
    summary.print_summary()
    if summary.span_count == 0:
        print("error: no Bedrock spans were recorded; is the instrumentation installed?", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
