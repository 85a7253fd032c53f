"""Start-up checks of a source's ``options`` and secrets, raising ``VerifierConfigError``.

The error's key names the offending entry (``options.tolerance_seconds``, ``secrets``) so
``relay check-config`` can point at it; messages never repeat a secret.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import TypeVar

from verifiers._base import Secret
from verifiers._errors import VerifierConfigError

__all__ = ["check_secret_text", "choice_option", "int_option", "reject_unknown"]

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
