"""DeepSeek (R1 ``prompt`` bodies answered with ``choices[].text``/``stop_reason``; V3 chat bodies)."""

from __future__ import annotations

from ..content import openai_shape as openai_content
from . import openai_shape
from .base import ModelFamily, chat_unless_prompt

# The R1 response is OpenAI-shaped with ``stop_reason`` in each choice, which openai_shape reads too.
FAMILY = ModelFamily(
    "deepseek",
    ("deepseek.",),
    chat_unless_prompt,
    openai_shape.parse_request,
    openai_shape.parse_response,
    openai_shape.read_chunk,
    content=openai_content.SHAPE,
)
