"""The OpenAPI document (drf-spectacular): the token scheme, and every operation's error answers
(`application/problem+json`) and `API-Version` header, added in one place."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as _AutoSchema

PROBLEM = {
    "type": "object",
    "description": "An error (RFC 9457). `title` and `detail` are in Dutch.",
    "required": ["type", "title", "status", "detail", "instance"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "invalidParams": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "code", "reason"],
                "properties": {
                    "name": {"type": "string"},
                    "code": {"type": "string"},
                    "reason": {"type": "string"},
                },
            },
        },
    },
}
ERRORS = {
    "400": "Invalid query parameter or body.",
    "401": "No token, or a token that is unknown, expired or revoked.",
    "403": "The client's role may not use this operation.",
    "404": "Not found, or outside the client's scope.",
    "406": "The requested media type is not available.",
    "409": "A rule refuses the request (capacity, overlap, dates, a record outside the scope).",
    "415": "The body is not JSON.",
    "429": "Too many requests; see Retry-After.",
}
API_VERSION_HEADER = {
    "description": "The full version of the API (NL API Design Rules).",
    "schema": {"type": "string"},
}


class AutoSchema(_AutoSchema):
    pass


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A token issued to an application by a superuser in the admin site.",
        }


# Integer ranges the database backend reports for model fields (they differ between SQLite and
# PostgreSQL): left out, so the document is the same on every backend.
DATABASE_RANGES = {32767, -32768, 2147483647, -2147483648, 9223372036854775807, -9223372036854775808}


def _normalise(node):
    """Leave out what depends on the database backend or the active language: database integer
    ranges and the `title` drf-spectacular takes from a model field's (translated) verbose name."""
    if isinstance(node, dict):
        dropped = False
        for bound in ("maximum", "minimum"):
            if isinstance(node.get(bound), int) and node[bound] in DATABASE_RANGES:
                del node[bound]
                dropped = True
        if dropped and node.get("format") == "int64":
            del node["format"]
        properties = node.get("properties")
        if isinstance(properties, dict):
            for name, schema in properties.items():
                if isinstance(schema, dict):
                    schema.pop("title", None)
                    if set(schema) == {"allOf"} and len(schema["allOf"]) == 1:
                        properties[name] = schema["allOf"][0]  # the wrapper only held the title
        for value in node.values():
            _normalise(value)
    elif isinstance(node, list):
        for value in node:
            _normalise(value)


def add_problems_and_headers(result, generator, request, public):
    _normalise(result.get("components", {}))
    components = result.setdefault("components", {})
    components.setdefault("schemas", {})["Problem"] = PROBLEM
    components.setdefault("headers", {})["API-Version"] = API_VERSION_HEADER
    header = {"API-Version": {"$ref": "#/components/headers/API-Version"}}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            codes = ["400", "404", "406", "429"]
            if operation.get("security"):
                codes += ["401", "403"]
            if method in ("post", "put", "patch"):
                codes += ["409", "415"]
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(
                    code,
                    {
                        "description": ERRORS[code],
                        "content": {
                            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
                        },
                    },
                )
            for response in responses.values():
                response.setdefault("headers", {}).update(header)
    return result
