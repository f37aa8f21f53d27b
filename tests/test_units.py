"""Pure functions: model id normalisation, family placement, finish reasons, coercions."""

from __future__ import annotations

import pytest

from opentelemetry_instrumentation_bedrock.models import family_for_id, resolve
from opentelemetry_instrumentation_bedrock.telemetry.facts import as_int, as_number, as_str_tuple
from opentelemetry_instrumentation_bedrock.telemetry.finish_reasons import normalize, normalize_all
from opentelemetry_instrumentation_bedrock.wire.model_id import base_model_id


@pytest.mark.parametrize(
    ("model_id", "base"),
    [
        ("anthropic.claude-3-haiku-20240307-v1:0", "anthropic.claude-3-haiku-20240307-v1:0"),
        ("us.anthropic.claude-3-haiku-20240307-v1:0", "anthropic.claude-3-haiku-20240307-v1:0"),
        ("eu.amazon.nova-pro-v1:0", "amazon.nova-pro-v1:0"),
        ("apac.meta.llama3-2-1b-instruct-v1:0", "meta.llama3-2-1b-instruct-v1:0"),
        ("global.anthropic.claude-sonnet-4-5-20250929-v1:0", "anthropic.claude-sonnet-4-5-20250929-v1:0"),
        ("us-gov.anthropic.claude-3-haiku-20240307-v1:0", "anthropic.claude-3-haiku-20240307-v1:0"),
        ("jp.anthropic.claude-3-haiku-20240307-v1:0", "anthropic.claude-3-haiku-20240307-v1:0"),
        (
            "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0",
            "anthropic.claude-3-haiku-20240307-v1:0",
        ),
        (
            "arn:aws:bedrock:us-east-1:012345678901:inference-profile/us.anthropic.claude-3-7-sonnet-20250219-v1:0",
            "anthropic.claude-3-7-sonnet-20250219-v1:0",
        ),
        ("arn:aws:bedrock:us-east-1:012345678901:application-inference-profile/a1b2c3d4e5f6", "a1b2c3d4e5f6"),
        ("arn:aws:bedrock:us-east-1:012345678901:provisioned-model/xyz987", "xyz987"),
        ("arn:aws-us-gov:bedrock:us-gov-west-1:012345678901:imported-model/abc123", "abc123"),
        ("arn:broken", "arn:broken"),
        ("", ""),
        ("us.", "us."),
    ],
)
def test_base_model_id(model_id, base):
    assert base_model_id(model_id) == base


@pytest.mark.parametrize(
    ("model_id", "family"),
    [
        ("anthropic.claude-v2", "anthropic"),
        ("us.anthropic.claude-3-5-sonnet-20240620-v1:0", "anthropic"),
        ("amazon.nova-lite-v1:0", "nova"),
        ("amazon.nova-2-multimodal-embeddings-v1:0", "titan_embed"),
        ("amazon.titan-text-express-v1", "titan"),
        ("amazon.titan-tg1-large", "titan"),
        ("amazon.titan-embed-text-v2:0", "titan_embed"),
        ("amazon.titan-embed-image-v1", "titan_embed"),
        ("cohere.embed-english-v3", "cohere_embed"),
        ("cohere.command-r-plus-v1:0", "cohere_command_r"),
        ("cohere.command-text-v14", "cohere_command"),
        ("cohere.command-light-text-v14", "cohere_command"),
        ("meta.llama3-1-405b-instruct-v1:0", "llama"),
        ("mistral.mixtral-8x7b-instruct-v0:1", "mistral"),
        ("ai21.jamba-1-5-large-v1:0", "jamba"),
        ("ai21.j2-ultra-v1", "jurassic"),
        ("us.deepseek.r1-v1:0", "deepseek"),
        ("openai.gpt-oss-120b-1:0", "openai"),
        ("qwen.qwen3-coder-30b-a3b-v1:0", "openai"),
    ],
)
def test_family_for_id(model_id, family):
    found = family_for_id(model_id)
    assert found is not None
    assert found.name == family


def test_opaque_ids_are_placed_by_body():
    arn = "arn:aws:bedrock:us-east-1:012345678901:application-inference-profile/a1b2c3"
    assert family_for_id(arn) is None
    assert resolve(arn, {"anthropic_version": "bedrock-2023-05-31"}).name == "anthropic"
    assert resolve(arn, {"schemaVersion": "messages-v1", "messages": []}).name == "nova"
    assert resolve(arn, {"inputText": "x", "textGenerationConfig": {}}).name == "titan"
    assert resolve(arn, {"prompt": "x", "max_gen_len": 5}).name == "llama"
    assert resolve(arn, {"prompt": "x"}).name == "generic"
    assert resolve(arn, None).name == "generic"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("end_turn", "stop"),
        ("stop_sequence", "stop"),
        ("stop", "stop"),
        ("COMPLETE", "stop"),
        ("FINISH", "stop"),
        ("max_tokens", "length"),
        ("length", "length"),
        ("MAX_TOKENS", "length"),
        ("LENGTH", "length"),
        ("model_context_window_exceeded", "length"),
        ("ERROR_LIMIT", "length"),
        ("tool_use", "tool_call"),
        ("tool_calls", "tool_call"),
        ("guardrail_intervened", "content_filter"),
        ("content_filtered", "content_filter"),
        ("CONTENT_FILTERED", "content_filter"),
        ("ERROR_TOXIC", "content_filter"),
        ("ERROR", "error"),
        ("endoftext", "endoftext"),
        ("SomethingNew", "SomethingNew"),
        ("", None),
        (None, None),
        (3, None),
    ],
)
def test_normalize(raw, expected):
    assert normalize(raw) == expected


def test_normalize_all_drops_non_strings():
    assert normalize_all(["end_turn", None, 5, "max_tokens"]) == ("stop", "length")


@pytest.mark.parametrize(
    ("value", "expected"),
    [(5, 5), (5.0, 5), ("17", 17), (0, 0), (-1, None), (True, None), (2.5, None), ("x", None), (None, None),
     (float("inf"), None), (float("nan"), None), (1 << 63, None), ((1 << 63) - 1, (1 << 63) - 1),
     ("9" * 30, None), ([1], None)],
)  # fmt: skip
def test_as_int(value, expected):
    assert as_int(value) == expected


def test_as_number_and_str_tuple():
    assert as_number(0.5) == 0.5
    assert as_number(2) == 2
    assert as_number(True) is None
    assert as_number("1") is None
    assert as_str_tuple(["a", "b"]) == ("a", "b")
    assert as_str_tuple("a") == ("a",)
    assert as_str_tuple(["a", 1]) is None
    assert as_str_tuple(None) is None


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {"id": "m1", "model": "x", "stop_reason": "end_turn", "usage": {"input_tokens": 3, "output_tokens": 4,
                                                                            "cache_read_input_tokens": 2}},
            (3, 4, 2, ("stop",), "m1", "x"),
        ),
        (
            {"stopReason": "max_tokens", "usage": {"inputTokens": 5, "outputTokens": 6}},
            (5, 6, None, ("length",), None, None),
        ),
        (
            {"prompt_token_count": 7, "generation_token_count": 8, "stop_reason": "stop"},
            (7, 8, None, ("stop",), None, None),
        ),
        (
            {"id": "c", "choices": [{"finish_reason": "tool_calls"}], "usage": {"prompt_tokens": 9, "completion_tokens": 1}},
            (9, 1, None, ("tool_call",), "c", None),
        ),
        ({"finish_reason": "COMPLETE", "id": "z"}, (None, None, None, ("stop",), "z", None)),
        ({}, (None, None, None, None, None, None)),
    ],
)  # fmt: skip
def test_generic_reader_recognises_known_shapes(body, expected):
    from opentelemetry_instrumentation_bedrock.models import GENERIC
    from opentelemetry_instrumentation_bedrock.telemetry.facts import ResponseFacts

    facts = ResponseFacts()
    GENERIC.parse_response(body, facts)
    got = (facts.input_tokens, facts.output_tokens, facts.cache_read_tokens, facts.finish_reasons,
           facts.response_id, facts.response_model)  # fmt: skip
    assert got == expected


def test_request_parameter_types_follow_the_semconv():
    from opentelemetry_instrumentation_bedrock.models.base import put_params

    attrs: dict = {}
    put_params(attrs, max_tokens=10, temperature=1, top_p=1, top_k=40, stop=["x"], seed=3, choice_count=2,
               frequency_penalty=0, presence_penalty=1)  # fmt: skip
    assert attrs == {
        "gen_ai.request.max_tokens": 10,
        "gen_ai.request.temperature": 1.0,
        "gen_ai.request.top_p": 1.0,
        "gen_ai.request.top_k": 40,
        "gen_ai.request.stop_sequences": ("x",),
        "gen_ai.request.seed": 3,
        "gen_ai.request.choice.count": 2,
        "gen_ai.request.frequency_penalty": 0.0,
        "gen_ai.request.presence_penalty": 1.0,
    }
    doubles = ("temperature", "top_p", "frequency_penalty", "presence_penalty")
    assert all(type(attrs[f"gen_ai.request.{name}"]) is float for name in doubles)
    assert all(
        type(attrs[f"gen_ai.request.{name}"]) is int
        for name in ("max_tokens", "top_k", "seed", "choice.count")
    )  # top_k is an int since semantic-conventions-genai #217
    fractional: dict[str, object] = {}
    put_params(fractional, top_k=40.5)
    assert fractional == {}  # not an int: not recorded
