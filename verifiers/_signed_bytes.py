"""Signed-bytes templates: which bytes of a request a platform's signature covers.

A template is text with tokens: ``{body}`` (the raw body), ``{body_sha256}`` (its lower-case
hex SHA-256), ``{method}``, ``{path}``, ``{query}`` (raw, without ``?``), ``{path_query}``
(``path`` plus ``?query`` when there is one), ``{header:NAME}`` (a header's value, which must be
present) and ``{url}`` (the configured URL the platform signs, never the request's ``Host``).
``{{`` and ``}}`` are literal braces; everything else is literal UTF-8 text.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Final

from verifiers._base import InboundRequest
from verifiers._encoding import require_header
from verifiers._errors import VerifierConfigError

__all__ = ["BODY", "Part", "compile_template", "render"]

Part = bytes | str
"""Literal bytes, or a token name (``body``, ``method``, ``header:x-id``, ...)."""

BODY: Final = "body"
_SIMPLE: Final = frozenset({"body", "body_sha256", "method", "path", "query", "path_query"})
_TOKEN: Final = re.compile(r"\{\{|\}\}|\{([a-z0-9_]+)(?::([!-~]+?))?\}|[{}]")


def compile_template(text: str, *, url: str | None, key: str) -> tuple[Part, ...]:
    """Compile ``text`` into parts; ``url`` fills ``{url}``; ``key`` names the option in errors.

    Raises:
        VerifierConfigError: an unknown token, a stray brace, ``{url}`` without a URL, or a
            template that signs nothing of the request.
    """
    parts: list[Part] = []
    literal = ""
    position = 0
    for match in _TOKEN.finditer(text):
        literal += text[position : match.start()]
        position = match.end()
        whole, name, argument = match.group(0), match.group(1), match.group(2)
        if whole in {"{{", "}}"}:
            literal += whole[0]
            continue
        token = _token(whole, name, argument, url=url, key=key)
        if isinstance(token, bytes):
            literal += token.decode()
            continue
        if literal:
            parts.append(literal.encode())
            literal = ""
        parts.append(token)
    literal += text[position:]
    if literal:
        parts.append(literal.encode())
    if not any(isinstance(part, str) for part in parts):
        raise VerifierConfigError(key, "the template must contain a request token such as {body}")
    return tuple(parts)


def _token(
    whole: str, name: str | None, argument: str | None, *, url: str | None, key: str
) -> Part:
    """Return one token's part; ``{url}`` becomes literal bytes."""
    if name == "url" and argument is None:
        if url is None:
            raise VerifierConfigError(key, "{url} needs the url option")
        return url.encode()
    if name == "header" and argument is not None:
        return f"header:{argument.lower()}"
    if name in _SIMPLE and argument is None:
        return name
    raise VerifierConfigError(key, f"unknown template token {whole}")


def render(parts: Sequence[Part], request: InboundRequest) -> bytes:
    """Return the bytes ``parts`` select from ``request``.

    Raises:
        MissingSignatureError: a ``{header:...}`` header is absent.
        MalformedSignatureError: such a header is not ASCII.
    """
    return b"".join(_render_part(part, request) for part in parts)


def _render_part(part: Part, request: InboundRequest) -> bytes:
    if isinstance(part, bytes):
        return part
    if part.startswith("header:"):
        return require_header(request, part.removeprefix("header:")).encode()
    query = request.query.encode("latin-1", "replace")  # the receiver decoded it as latin-1
    path = request.path.encode("utf-8", "replace")
    values = {
        "body": request.body,
        "body_sha256": hashlib.sha256(request.body).hexdigest().encode(),
        "method": request.method.encode("utf-8", "replace"),
        "path": path,
        "query": query,
        "path_query": path + (b"?" + query if query else b""),
    }
    return values[part]
