"""OpenAI-shaped chat bodies (``choices``), shared by gpt-oss, Qwen, Jamba, Mistral chat and DeepSeek."""

from __future__ import annotations

from ..content import openai_shape as openai_content
from ..telemetry import names as sc
from ..telemetry.facts import ResponseFacts, as_mapping
from .base import (
    Attributes,
    Body,
    ModelFamily,
    chat_unless_prompt,
    has_text,
    put_params,
    set_finish,
    set_identity,
    set_usage,
)


def parse_request(body: Body, attrs: Attributes) -> None:
    """OpenAI chat parameters, accepting both ``max_completion_tokens`` and ``max_tokens``."""
    max_tokens = body.get("max_completion_tokens")
    if max_tokens is None:
        max_tokens = body.get("max_tokens")
    put_params(
        attrs,
        max_tokens=max_tokens,
        temperature=body.get("temperature"),
        top_p=body.get("top_p"),
        top_k=body.get("top_k"),
        stop=body.get("stop"),
        seed=body.get("seed"),
        choice_count=body.get("n"),
        frequency_penalty=body.get("frequency_penalty"),
        presence_penalty=body.get("presence_penalty"),
    )
    effort = body.get("reasoning_effort")
    if isinstance(effort, str) and effort:
        attrs[sc.GEN_AI_REQUEST_REASONING_LEVEL] = effort


def parse_response(body: Body, facts: ResponseFacts) -> None:
    """Usage from ``usage.prompt_tokens``/``completion_tokens`` (reasoning tokens from
    ``completion_tokens_details``); one finish reason per choice."""
    usage = as_mapping(body.get("usage"))
    details = as_mapping(usage.get("completion_tokens_details"))
    set_usage(
        facts,
        usage.get("prompt_tokens"),
        usage.get("completion_tokens"),
        reasoning=details.get("reasoning_tokens"),
    )
    choices = body.get("choices")
    if isinstance(choices, list):
        set_finish(
            facts,
            *(as_mapping(c).get("finish_reason") or as_mapping(c).get("stop_reason") for c in choices),
        )
    set_identity(facts, body.get("id"), body.get("model"))


def read_chunk(chunk: Body, facts: ResponseFacts) -> bool:
    """``chat.completion.chunk`` deltas (content, reasoning, tool calls) or ``choices[].text`` pieces
    (DeepSeek R1); finish reasons per choice, usage and id when the chunk carries them."""
    output = False
    choices = chunk.get("choices")
    if isinstance(choices, list):
        reasons = []
        for item in choices:
            choice = as_mapping(item)
            delta = as_mapping(choice.get("delta"))
            if (
                has_text(delta.get("content"))
                or has_text(delta.get("reasoning_content"))
                or has_text(delta.get("reasoning"))
                or bool(delta.get("tool_calls"))
                or has_text(choice.get("text"))
            ):
                output = True
            reasons.append(choice.get("finish_reason") or choice.get("stop_reason"))
        set_finish(facts, *reasons)
    usage = as_mapping(chunk.get("usage"))
    set_usage(facts, usage.get("prompt_tokens"), usage.get("completion_tokens"))
    set_identity(facts, chunk.get("id"), chunk.get("model"))
    return output


FAMILY = ModelFamily(
    "openai",
    ("openai.", "qwen."),
    chat_unless_prompt,
    parse_request,
    parse_response,
    read_chunk,
    content=openai_content.SHAPE,
)
