"""bedrock (control plane) GetInferenceProfile (``GET /inference-profiles/{inferenceProfileIdentifier}``):
the models behind an inference profile, which the opt-in profile resolver asks for.

The routed id is ``control:{identifier}``, so a reply scripted for the runtime call through the
profile (``model=ARN``) is never served to the control-plane request that races it (script this one
with ``model="control:" + ARN``). The default answer names Claude 3 Haiku in us-east-1;
``PROFILES[identifier]`` changes it: a list of model ARNs, a ``Reply`` (an error, a delay), or a
function returning one (to hold the answer back).
"""

from __future__ import annotations

from typing import Any, Callable, Optional, Union
from urllib.parse import unquote

from ..replies import Reply
from ..routing import Call, operation, path_rule

DEFAULT_MODEL_ARN = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"
CONTROL_PREFIX = "control:"
PROFILES: dict[str, Union[list[str], Reply, Callable[[], Reply]]] = {}


@path_rule
def _inference_profile_path(parts: list[str]) -> Optional[tuple[Optional[str], str]]:
    if len(parts) == 3 and parts[1] == "inference-profiles" and parts[2]:
        return CONTROL_PREFIX + unquote(parts[2]), "get-inference-profile"
    return None


def inference_profile_body(identifier: str, model_arns: list[str]) -> dict[str, Any]:
    """A GetInferenceProfile answer in botocore's shape (every required member)."""
    application = ":application-inference-profile/" in identifier
    profile_id = identifier.rsplit("/", 1)[-1]
    arn = (
        identifier
        if identifier.startswith("arn:")
        else (f"arn:aws:bedrock:us-east-1:123456789012:inference-profile/{identifier}")
    )
    return {
        "inferenceProfileName": f"profile-{profile_id}",
        "inferenceProfileArn": arn,
        "inferenceProfileId": profile_id,
        "models": [{"modelArn": model_arn} for model_arn in model_arns],
        "status": "ACTIVE",
        "type": "APPLICATION" if application else "SYSTEM_DEFINED",
    }


@operation("get-inference-profile")
def _get_inference_profile(call: Call) -> Reply:
    identifier = call.model_id[len(CONTROL_PREFIX) :]
    configured = PROFILES.get(identifier)
    if isinstance(configured, Reply):
        return configured
    if callable(configured):
        return configured()
    models = configured if configured is not None else [DEFAULT_MODEL_ARN]
    return Reply.json(inference_profile_body(identifier, models))
