"""The botocore range we support; checked by ``opentelemetry-instrument`` before instrumenting.

1.34.116 is the first botocore that ships the Converse API.
"""

from __future__ import annotations

_instruments = ("botocore >= 1.34.116, < 2.0.0",)
