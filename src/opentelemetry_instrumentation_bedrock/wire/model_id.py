"""Normalise Bedrock model identifiers so one family table serves every form users pass.

Users pass base ids (``anthropic.claude-3-haiku-20240307-v1:0``), cross-region inference profiles
(``us.anthropic...``), and ARNs (foundation models, inference profiles, application inference profiles,
provisioned and imported models). Only the first three reveal the family; the rest are opaque and are
placed later by the shape of the request body.
"""

from __future__ import annotations

from functools import lru_cache

# Geographic prefixes of cross-region (system-defined) inference profiles.
REGION_PREFIXES = frozenset({"us", "eu", "apac", "global", "jp", "au", "ca", "us-gov", "apne", "sa"})


@lru_cache(maxsize=512)
def base_model_id(model_id: str) -> str:
    """Return the foundation-model id inside ``model_id``, or its opaque tail for ARNs that hide it.

    Pure and cached: the same few ids repeat on every call.
    """
    resource = model_id
    if model_id.startswith("arn:"):
        # arn:partition:service:region:account:resource-type/resource-id ; the id may hold ':' itself.
        parts = model_id.split(":", 5)
        if len(parts) == 6:
            _rtype, slash, rest = parts[5].partition("/")
            resource = rest if slash else parts[5]
    prefix, dot, rest = resource.partition(".")
    if dot and prefix in REGION_PREFIXES and rest:
        return rest
    return resource
