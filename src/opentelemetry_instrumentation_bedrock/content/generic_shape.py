"""Content of bodies we cannot place by model id: read with the shape whose markers the body carries."""

from __future__ import annotations

from ..config import CaptureConfig
from . import anthropic_shape, cohere_shape, converse_shape, openai_shape, prompt_shape
from .assembly import Assembler
from .parts import Message
from .request import RequestContent
from .shape import Body, ContentShape

_NOVA_EVENTS = ("contentBlockDelta", "contentBlockStart", "messageStart")


def _request_shape(body: Body) -> ContentShape:
    if "anthropic_version" in body:
        return anthropic_shape.SHAPE
    if "messages" in body and ("schemaVersion" in body or "inferenceConfig" in body):
        return converse_shape.SHAPE
    if "messages" in body:
        return openai_shape.SHAPE
    if "message" in body:
        return cohere_shape.SHAPE
    if "inputText" in body:
        return prompt_shape.TITAN
    return prompt_shape.LLAMA  # a bare "prompt" field


def request(body: Body, config: CaptureConfig) -> RequestContent:
    return _request_shape(body).request(body, config)


def response(body: Body, config: CaptureConfig) -> list[Message]:
    if isinstance(body.get("content"), list) or "completion" in body:
        return anthropic_shape.response(body, config)
    if "output" in body:
        return converse_shape.response(body, config)
    if "choices" in body:
        return openai_shape.response(body, config)
    if "generation" in body:
        return prompt_shape.LLAMA.response(body, config)
    if "results" in body:
        return prompt_shape.TITAN.response(body, config)
    if "outputs" in body:
        return prompt_shape.MISTRAL.response(body, config)
    if "generations" in body:
        return prompt_shape.COHERE.response(body, config)
    if "text" in body:
        return cohere_shape.response(body, config)
    return []


def chunk(body: Body, assembler: Assembler) -> None:
    if "type" in body or "completion" in body:
        anthropic_shape.chunk(body, assembler)
    elif "choices" in body:
        openai_shape.chunk(body, assembler)
    elif any(name in body for name in _NOVA_EVENTS):
        converse_shape.add_event(body, assembler)
    elif "generation" in body:
        prompt_shape.LLAMA.chunk(body, assembler)
    elif "outputText" in body:
        prompt_shape.TITAN.chunk(body, assembler)
    elif "outputs" in body:
        prompt_shape.MISTRAL.chunk(body, assembler)
    elif "event_type" in body:
        cohere_shape.chunk(body, assembler)
    elif "text" in body or "generations" in body:
        prompt_shape.COHERE.chunk(body, assembler)


SHAPE = ContentShape(request, response, chunk)
