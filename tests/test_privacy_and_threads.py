"""Nothing from prompts, completions, system text or credentials reaches telemetry; threads don't mix."""

from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor

from bedrock_emulator import Reply
from helpers import all_telemetry_text

SECRET_PROMPT = "zebra-prompt-7731"
SECRET_SYSTEM = "walrus-system-4410"
SECRET_ANSWER = "narwhal-answer-9902"


def test_no_content_or_credentials_in_any_signal(instrumented, emu, client):
    emu.script(
        Reply.json(
            {
                "output": {"message": {"role": "assistant", "content": [{"text": SECRET_ANSWER}]}},
                "stopReason": "end_turn",
                "usage": {"inputTokens": 3, "outputTokens": 1, "totalTokens": 4},
                "metrics": {"latencyMs": 5},
            }
        ),
        Reply.json(
            {"id": "m", "content": [{"type": "text", "text": SECRET_ANSWER}], "usage": {"input_tokens": 1}},
            headers={"X-Amzn-Bedrock-Output-Token-Count": "1"},
        ),
    )
    client.converse(
        modelId="anthropic.claude-3-haiku-20240307-v1:0",
        system=[{"text": SECRET_SYSTEM}],
        messages=[{"role": "user", "content": [{"text": SECRET_PROMPT}]}],
        toolConfig={"tools": [{"toolSpec": {"name": "lookup", "inputSchema": {"json": {"type": "object"}}}}]},
    )
    client.invoke_model(
        modelId="anthropic.claude-3-haiku-20240307-v1:0",
        body=json.dumps({"system": SECRET_SYSTEM, "messages": [{"role": "user", "content": SECRET_PROMPT}]}),
    )
    assert len(instrumented.spans()) == 2
    text = all_telemetry_text(instrumented)
    for secret in (SECRET_PROMPT, SECRET_SYSTEM, SECRET_ANSWER, "lookup", os.environ["AWS_ACCESS_KEY_ID"],
                   os.environ["AWS_SECRET_ACCESS_KEY"], "Authorization", "AWS4-HMAC-SHA256"):  # fmt: skip
        assert secret not in text, secret
    # The requests really carried them (the check above is not vacuous).
    assert SECRET_PROMPT.encode() in emu.served[0].body
    assert "AWS4-HMAC-SHA256" in emu.served[0].headers["Authorization"]


def test_threads_each_get_their_own_span_and_tokens(instrumented, emu, make_client):
    """16 threads: each call's token counts (which the emulator derives from its request) land on the
    call's own span, and the metric sums equal the emulator's totals."""

    client = make_client(max_pool_connections=16)

    def call(n: int) -> int:
        words = " ".join(["w"] * n)
        client.converse(
            modelId=f"anthropic.claude-3-haiku-{n}",
            messages=[{"role": "user", "content": [{"text": words}]}],
        )
        return n

    with ThreadPoolExecutor(max_workers=16) as pool:
        done = list(pool.map(call, range(1, 65)))
    assert done == list(range(1, 65))
    spans = instrumented.spans()
    assert len(spans) == 64
    served = {s.model_id: s.usage for s in emu.served}
    assert len(served) == 64
    assert len({usage for usage in served.values()}) == 64  # every call reports different figures
    for span in spans:
        usage = served[span.attributes["gen_ai.request.model"]]
        assert (
            span.attributes["gen_ai.usage.input_tokens"],
            span.attributes["gen_ai.usage.output_tokens"],
        ) == usage
        assert span.parent is None
    input_sum = sum(p.value for p in instrumented.points("gen_ai.client.inference.usage.input_tokens"))
    assert input_sum == sum(usage[0] for usage in served.values())
    assert sum(p.count for p in instrumented.points("gen_ai.client.inference.duration")) == 64
