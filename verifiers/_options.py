"""Start-up checks of a source's ``options`` and secrets, raising ``VerifierConfigError``.

The error's key names the offending entry (``options.tolerance_seconds``, ``secrets``) so
``relay check-config`` can point at it; messages never repeat a secret.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import TypeVar, overload
from urllib.parse import urlsplit

from verifiers._base import Secret
from verifiers._errors import VerifierConfigError

__all__ = [
    "bool_option",
    "check_secret_text",
    "choice_option",
    "int_option",
    "prefix_option",
    "reject_unknown",
    "required_str_option",
    "str_list_option",
    "str_option",
    "url_option",
]

_Choice = TypeVar("_Choice", bound=str)


def reject_unknown(options: Mapping[str, object], known: Collection[str]) -> None:
    """Refuse an option the verifier does not read: it is a typo or a misplaced setting.

    Raises:
        VerifierConfigError: keyed ``options.<name>`` of the first unknown option.
    """
    unknown = sorted(set(options) - set(known))
    if unknown:
        raise VerifierConfigError(f"options.{unknown[0]}", "unknown option")


def int_option(
    options: Mapping[str, object], name: str, *, default: int, minimum: int, maximum: int
) -> int:
    """Return integer option ``name`` (``default`` when absent) within ``minimum..maximum``.

    Raises:
        VerifierConfigError: the value is not an integer (booleans are not) or out of range.
    """
    value = options.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise VerifierConfigError(f"options.{name}", "must be an integer")
    if not minimum <= value <= maximum:
        raise VerifierConfigError(f"options.{name}", f"must be between {minimum} and {maximum}")
    return value


def choice_option(
    options: Mapping[str, object], name: str, *, choices: Sequence[_Choice], default: _Choice
) -> _Choice:
    """Return option ``name`` (``default`` when absent), which must be one of ``choices``.

    Raises:
        VerifierConfigError: the value is not one of ``choices``.
    """
    value = options.get(name, default)
    for choice in choices:
        if value == choice:
            return choice
    raise VerifierConfigError(f"options.{name}", f"must be one of: {', '.join(choices)}")


def check_secret_text(secret: Secret) -> None:
    """Refuse a secret that is empty (anyone could sign with it) or not encodable as UTF-8.

    A secret read from an environment variable holding invalid UTF-8 arrives with lone
    surrogates; it can never be a key, so it is reported at start-up.

    Raises:
        VerifierConfigError: keyed ``secrets``.
    """
    if not secret.value:
        raise VerifierConfigError("secrets", "a secret is empty")
    try:
        secret.utf8()
    except UnicodeEncodeError:
        raise VerifierConfigError("secrets", "a secret is not valid UTF-8 text") from None


@overload
def str_option(options: Mapping[str, object], name: str, *, default: str) -> str: ...
@overload
def str_option(options: Mapping[str, object], name: str, *, default: None = None) -> str | None: ...
def str_option(
    options: Mapping[str, object], name: str, *, default: str | None = None
) -> str | None:
    """Return text option ``name``, or ``default`` when absent.

    Raises:
        VerifierConfigError: the value is not a string, or is empty.
    """
    value = options.get(name, default)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise VerifierConfigError(f"options.{name}", "must be a non-empty string")
    return value


def required_str_option(options: Mapping[str, object], name: str, why: str) -> str:
    """Return text option ``name``, which the scheme needs; ``why`` says what it is.

    Raises:
        VerifierConfigError: the option is absent, not a string, or empty.
    """
    value = str_option(options, name)
    if value is None:
        raise VerifierConfigError(f"options.{name}", f"is required: {why}")
    return value


def bool_option(options: Mapping[str, object], name: str, *, default: bool) -> bool:
    """Return boolean option ``name`` (``default`` when absent).

    Raises:
        VerifierConfigError: the value is not a boolean.
    """
    value = options.get(name, default)
    if not isinstance(value, bool):
        raise VerifierConfigError(f"options.{name}", "must be true or false")
    return value


def url_option(options: Mapping[str, object], name: str, why: str) -> str:
    """Return the absolute ``http(s)`` URL option ``name``, which the scheme signs.

    The URL a platform signs comes from configuration, never from the request's ``Host``.

    Raises:
        VerifierConfigError: absent, or not an absolute http(s) URL.
    """
    value = required_str_option(options, name, why)
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise VerifierConfigError(f"options.{name}", "must be an absolute http(s) URL")
    return value


def str_list_option(
    options: Mapping[str, object], name: str, *, default: Sequence[str]
) -> tuple[str, ...]:
    """Return list-of-text option ``name`` (``default`` when absent).

    Raises:
        VerifierConfigError: not a list of non-empty strings.
    """
    value = options.get(name, list(default))
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) and v for v in value):
        raise VerifierConfigError(f"options.{name}", "must be a list of non-empty strings")
    return tuple(value)


def prefix_option(options: Mapping[str, object]) -> str:
    """Return option ``prefix`` (text before a signature or token), empty when absent.

    Raises:
        VerifierConfigError: the value is not a string.
    """
    value = options.get("prefix", "")
    if not isinstance(value, str):
        raise VerifierConfigError("options.prefix", "must be a string")
    return value
