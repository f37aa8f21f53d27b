"""AI21 Labs: Jamba (OpenAI-shaped chat) and the legacy Jurassic-2 completion body."""

from __future__ import annotations

from ..content import openai_shape as openai_content
from ..content import prompt_shape
from ..telemetry.facts import ResponseFacts, as_mapping
from . import openai_shape
from .base import Attributes, Body, ModelFamily, chat, put_params, set_finish, set_identity, text_completion


def parse_j2_request(body: Body, attrs: Attributes) -> None:
    """Jurassic-2 uses camelCase parameters."""
    put_params(
        attrs,
        max_tokens=body.get("maxTokens"),
        temperature=body.get("temperature"),
        top_p=body.get("topP"),
        stop=body.get("stopSequences"),
        choice_count=body.get("numResults"),
    )


def parse_j2_response(body: Body, facts: ResponseFacts) -> None:
    """Finish reasons sit in ``completions[].finishReason.reason``; usage only in the headers."""
    completions = body.get("completions")
    if isinstance(completions, list):
        set_finish(
            facts,
            *(as_mapping(as_mapping(c).get("finishReason")).get("reason") for c in completions),
        )
    set_identity(facts, body.get("id"))


JAMBA = ModelFamily(
    "jamba",
    ("ai21.jamba",),
    chat,
    openai_shape.parse_request,
    openai_shape.parse_response,
    openai_shape.read_chunk,
    content=openai_content.SHAPE,
)
JURASSIC = ModelFamily(
    "jurassic",
    ("ai21.j2",),
    text_completion,
    parse_j2_request,
    parse_j2_response,
    content=prompt_shape.JURASSIC,
)
