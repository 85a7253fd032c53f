from __future__ import annotations

import pytest

from verifiers import Secret, VerifierConfigError
from verifiers._options import check_secret_text, choice_option, int_option, reject_unknown


def test_reject_unknown_accepts_known() -> None:
    """Only known options pass silently."""
    reject_unknown({"a": 1}, ("a", "b"))


def test_reject_unknown_names_the_key() -> None:
    """An unknown option is a VerifierConfigError keyed options.<name>."""
    with pytest.raises(VerifierConfigError) as caught:
        reject_unknown({"a": 1, "zz": 2, "yy": 3}, ("a",))
    assert caught.value.key == "options.yy"
    assert caught.value.message == "unknown option"


def test_int_option_default_and_value() -> None:
    """An absent integer option is its default; a present one is returned."""
    assert int_option({}, "n", default=5, minimum=1, maximum=9) == 5
    assert int_option({"n": 9}, "n", default=5, minimum=1, maximum=9) == 9


@pytest.mark.parametrize("value", [True, "5", 5.0, None])
def test_int_option_refuses_non_integers(value: object) -> None:
    """Booleans, strings, floats and null are not integers."""
    with pytest.raises(VerifierConfigError, match="must be an integer") as caught:
        int_option({"n": value}, "n", default=5, minimum=1, maximum=9)
    assert caught.value.key == "options.n"


@pytest.mark.parametrize("value", [0, 10])
def test_int_option_refuses_out_of_range(value: int) -> None:
    """Values outside minimum..maximum are refused, naming the range."""
    with pytest.raises(VerifierConfigError, match="between 1 and 9"):
        int_option({"n": value}, "n", default=5, minimum=1, maximum=9)


def test_choice_option() -> None:
    """A choice option is its default when absent and one of the choices when present."""
    assert choice_option({}, "c", choices=("a", "b"), default="a") == "a"
    assert choice_option({"c": "b"}, "c", choices=("a", "b"), default="a") == "b"


@pytest.mark.parametrize("value", ["C", 1, None])
def test_choice_option_refuses_others(value: object) -> None:
    """A value that is not one of the choices is refused, listing them."""
    with pytest.raises(VerifierConfigError, match="one of: a, b") as caught:
        choice_option({"c": value}, "c", choices=("a", "b"), default="a")
    assert caught.value.key == "options.c"


def test_check_secret_text_accepts_text() -> None:
    """A non-empty UTF-8 secret is accepted."""
    check_secret_text(Secret("sécret"))


@pytest.mark.parametrize("value", ["", "bad\udcff"], ids=["empty", "surrogate"])
def test_check_secret_text_refuses(value: str) -> None:
    """An empty secret or one with lone surrogates is refused without echoing it."""
    with pytest.raises(VerifierConfigError) as caught:
        check_secret_text(Secret(value))
    assert caught.value.key == "secrets"
    assert "bad" not in str(caught.value)
