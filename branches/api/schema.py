"""The error answers of every API operation, in the OpenAPI document (issue 26: "error shapes").

``branches.api.errors.exception_handler`` answers every refusal in one of two shapes:

- ``ValidationError`` (400): field name → list of messages, ``detail`` for messages about the whole
  request (also the query-parameter checks of ``branches.params``);
- ``Error`` (401, 403, 404, 405, 429): ``{"detail": "<message in Chinese>"}``. Outside the caller's
  scope is a 404, never a 403 that would confirm the object exists.

This post-processing hook adds those responses to every operation that does not document them itself.
"""

from __future__ import annotations

ERROR = {
    "type": "object",
    "description": "A refusal, with a message a person can act on.",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION_ERROR = {
    "type": "object",
    "description": (
        "Bad input: each field name (or ``detail`` for the request as a whole) maps to the messages about it."
    ),
    "additionalProperties": {
        "oneOf": [
            {"type": "array", "items": {"type": "string"}},
            {"type": "string"},
            {"type": "object"},
        ]
    },
}
RESPONSES = {
    "400": ("ValidationError", "The input was refused; nothing was saved."),
    "401": ("Error", "Not signed in (no session or token, or the token expired)."),
    "403": ("Error", "Signed in, but this action needs a role the caller does not hold."),
    "404": ("Error", "Not found, or outside the caller's scope."),
}
METHODS = {"get", "post", "put", "patch", "delete"}


def add_error_responses(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    schemas.setdefault("ValidationError", VALIDATION_ERROR)
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for code, (component, description) in RESPONSES.items():
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}},
                    },
                )
    return result
