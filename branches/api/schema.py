"""The error answers of each API operation, in the OpenAPI document (issue 26: "error shapes").

``branches.api.errors.exception_handler`` (and ``portal.middleware.QueryParamsMiddleware`` for query
parameters, ``portal.errors`` for URLs that match no view) answers every refusal in one of two shapes:

- ``ValidationError`` (400): field name → list of messages; ``non_field_errors`` or ``detail`` for messages
  about the request as a whole (a bad query parameter carries both its name and ``detail``);
- ``Error`` (401, 403, 404, 429): ``{"detail": "<message in Chinese>"}``. Outside the caller's scope is a
  404, never a 403 that would confirm the object exists.

Each operation documents only the refusals it can give: 400 where it reads a body or query parameters (or
is a write a service can refuse), 401/403 where it needs a signed-in caller, 404 where it names an object
in its path or pages a list, 429 where it is throttled.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from drf_spectacular.plumbing import ResolvedComponent

ERROR = {
    "type": "object",
    "description": "A refusal, with a message a person can act on.",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
_MESSAGES = {"type": "array", "items": {"type": "string"}}
VALIDATION_ERROR = {
    "type": "object",
    "description": (
        "Bad input: each field name maps to the messages about it (a nested field to the errors of its items); "
        "non_field_errors or detail hold the messages about the request as a whole."
    ),
    "properties": {
        "non_field_errors": _MESSAGES,
        "detail": {"anyOf": [{"type": "string"}, _MESSAGES]},
    },
    "additionalProperties": {
        "anyOf": [
            {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "object"}]}},
            {"type": "object"},
            {"type": "string"},
        ]
    },
    "minProperties": 1,
}
DESCRIPTIONS = {
    "400": "The input was refused (nothing was saved); the messages name the fields.",
    "401": "Not signed in: no session or token, or the token expired.",
    "403": "Signed in, but this action needs a role or ownership the caller does not have.",
    "404": "Not found, or outside the caller's scope (or a page past the end of a list).",
    "429": "Too many requests; the detail says when to try again.",
}


class AutoSchema(BaseAutoSchema):
    """drf-spectacular's schema, with the refusals each operation can answer."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self.error_codes():
            if code not in responses:
                component = self._error_component(code)
                responses[code] = {
                    "description": DESCRIPTIONS[code],
                    "content": {"application/json": {"schema": component.ref}},
                }
        return responses

    def error_codes(self) -> list[str]:
        parameters = self._get_parameters()
        query = any(p["in"] == "query" for p in parameters)
        codes = []
        if query or self.method not in ("GET", "HEAD"):
            codes.append("400")
        if not self._allows_anonymous():
            codes += ["401", "403"]
        paged = self.method == "GET" and self._is_list_view() and self._get_paginator() is not None
        if paged or any(p["in"] == "path" for p in parameters):
            codes.append("404")
        if self.view.get_throttles():
            codes.append("429")
        return codes

    def _allows_anonymous(self) -> bool:
        auth = self.get_auth()
        return not auth or {} in auth

    def _error_component(self, code: str) -> ResolvedComponent:
        name, schema = ("ValidationError", VALIDATION_ERROR) if code == "400" else ("Error", ERROR)
        component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, schema=schema, object=name)
        self.registry.register_on_missing(component)
        return component
