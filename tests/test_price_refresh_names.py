"""Price List names that differ only by a sign: "Command R+" is not "Command R" (their prices differ
sixfold). Both lose their punctuation when names are compared, so "+" must be read as "plus" first, or
the R+ prices land on cohere.command-r (and, with both present, conflict and price neither)."""

from __future__ import annotations

from opentelemetry_instrumentation_bedrock.cost.price_list import (
    known_names,
    normalized,
    parse_products,
    table_entries,
)
from test_price_refresh import product


def test_plus_is_a_word():
    assert normalized("Command R+") == normalized("command-r-plus") == "commandrplus"
    assert normalized("Command R") == "commandr"


def test_command_r_and_r_plus_are_priced_apart():
    names = known_names(["cohere.command-r", "cohere.command-r-plus"])
    items = [
        product("R1", "USE1-CommandR-input-tokens", "0.0005", inferenceType="Input tokens", model="Command R"),
        product("R2", "USE1-CommandR-output-tokens", "0.0015", inferenceType="Output tokens", model="Command R"),
        product("P1", "USE1-CommandRPlus-input-tokens", "0.003", inferenceType="Input tokens", model="Command R+"),
        product("P2", "USE1-CommandRPlus-output-tokens", "0.015", inferenceType="Output tokens",
                model="Command R+"),
    ]  # fmt: skip
    rates, skipped = parse_products(items, "us-east-1", names)
    entries, dropped = table_entries(rates)
    # per 1K tokens x 1000 = per million
    assert entries == {
        "cohere.command-r": {"input": 0.5, "output": 1.5},
        "cohere.command-r-plus": {"input": 3.0, "output": 15.0},
    }
    assert (skipped, dropped) == ([], [])
