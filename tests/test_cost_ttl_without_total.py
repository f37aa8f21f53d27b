"""``usage.cacheDetails`` without ``cacheWriteInputTokens``: the write total the five-minute rate was to
be charged on is missing, so the split cannot be checked against it and no write was charged. Such a
call is unpriced (``unknown_cache_ttl``), never priced as if its writes were free or as a difference."""

from __future__ import annotations

import pytest

from test_cost_cases import TTL_KNOWN, converse_reply, run_converse


@pytest.mark.skipif(not TTL_KNOWN, reason="this botocore has no usage.cacheDetails")
@pytest.mark.parametrize("details", [[("1h", 300)], [("5m", 200)], [("1h", 300), ("5m", 200)]])
def test_a_split_without_the_write_total_is_unpriced(emu, client, details):
    reply = converse_reply((100, 10), details=details)
    # Without the fix: 100 x 1.0 + 10 x 5.0 = 150 micro-dollars for the 5m case (writes free), and
    # 150 + 300 x (2.0 - 1.25) = 375 for the 1h case: neither what Bedrock bills.
    assert run_converse(emu, client, reply) == (None, "unknown_cache_ttl", None)


@pytest.mark.skipif(not TTL_KNOWN, reason="this botocore has no usage.cacheDetails")
def test_an_empty_split_without_a_total_is_priced(emu, client):
    # No writes at all: 100 x 1.0 + 10 x 5.0 = 150 micro-dollars
    assert run_converse(emu, client, converse_reply((100, 10), details=[])) == (0.00015, None, 0.00015)
