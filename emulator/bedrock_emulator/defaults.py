"""What every default answer shares: the canned text, the word-count 'tokenizer' that sets its usage,
and the model family an id belongs to (which schema its bodies use)."""

from __future__ import annotations

from typing import Any

_TEXT = "This is a test response from the Bedrock emulator."


def _words(value: Any) -> int:
    """Count words in every string of a JSON value: the emulator's deterministic 'tokenizer'."""
    if isinstance(value, str):
        return len(value.split())
    if isinstance(value, dict):
        return sum(_words(v) for k, v in value.items() if k not in ("anthropic_version", "schemaVersion"))
    if isinstance(value, list):
        return sum(_words(v) for v in value)
    return 0


def default_usage(request: Any) -> tuple[int, int]:
    """Input tokens = words in the request + 3; output tokens = words in the canned answer."""
    return _words(request) + 3, len(_TEXT.split())


def _family(model_id: str) -> str:
    base = model_id.rsplit("/", 1)[-1]
    head, _, rest = base.partition(".")
    if head in ("us", "eu", "apac", "global", "jp", "au", "ca", "us-gov") and rest:
        base = rest
    for prefix, family in (
        ("anthropic.", "anthropic"),
        ("amazon.titan-embed", "titan_embed"),
        ("amazon.titan-image", "image"),
        ("amazon.nova-canvas", "image"),
        ("stability.", "image"),
        ("amazon.nova-2-multimodal-embeddings", "titan_embed"),
        ("amazon.nova", "nova"),
        ("amazon.titan", "titan"),
        ("cohere.embed", "cohere_embed"),
        ("cohere.command-r", "cohere_command_r"),
        ("cohere.command", "cohere_command"),
        ("meta.llama", "llama"),
        ("mistral.", "mistral"),
        ("ai21.jamba", "openai"),
        ("ai21.j2", "jurassic"),
        ("deepseek.", "deepseek"),
        ("openai.", "openai"),
        ("qwen.", "openai"),
    ):
        if base.startswith(prefix):
            return family
    return "unknown"


def req_map(request: Any) -> dict[str, Any]:
    return request if isinstance(request, dict) else {}
