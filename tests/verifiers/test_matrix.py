"""The STYLE.md matrix for every scheme of ``_verifier_cases``.

Valid, missing header, wrong secret, tampered body, stale and future timestamps, malformed and
non-ASCII header, rotated secret.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from _verifier_cases import BODY, CASES, NOW, TS, Case, Signed

from verifiers import (
    InboundRequest,
    MalformedSignatureError,
    MissingSignatureError,
    Secret,
    SignatureMismatchError,
    TimestampOutOfToleranceError,
    VerificationError,
    Verified,
)

IDS = [case.name for case in CASES]
WITH_HEADER = [case for case in CASES if case.header is not None]
TIMESTAMPED = [case for case in CASES if case.timestamped]


def request_of(signed: Signed, body: bytes = BODY, *, now: datetime = NOW) -> InboundRequest:
    """The request a sender makes with ``signed`` (its body, when it sets one, wins)."""
    return InboundRequest(
        method="POST",
        path="/webhooks/src",
        query=signed.query,
        headers={name.lower(): value for name, value in signed.headers.items()},
        body=signed.body if signed.body is not None else body,
        source_id="src",
        received_at=now,
    )


def verify(case: Case, request: InboundRequest, *secrets: str) -> Verified:
    """Verify ``request`` with ``case``'s verifier and ``secrets`` (default: the right one)."""
    keys = [Secret(s) for s in (secrets or (case.secret,))]
    return case.verifier().verify(request, keys, now=NOW)


def signed(case: Case, key: str | None = None, ts: int = TS) -> Signed:
    """``BODY`` signed for ``case`` with ``key`` (default: the right one) at ``ts``."""
    return case.sign(BODY, key or case.secret, ts)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_valid(case: Case) -> None:
    """A delivery signed as the platform signs verifies, as the case's platform."""
    verified = verify(case, request_of(signed(case)))
    assert verified.platform == case.slug
    assert verified.delivery_id


@pytest.mark.parametrize("case", WITH_HEADER, ids=[c.name for c in WITH_HEADER])
def test_missing_header(case: Case) -> None:
    """Without its signature header, a delivery is a MissingSignatureError."""
    sent = signed(case)
    headers = {k: v for k, v in sent.headers.items() if k.lower() != case.header}
    with pytest.raises(MissingSignatureError):
        verify(case, request_of(Signed(headers, sent.query, sent.body)))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_nothing_sent(case: Case) -> None:
    """A bare POST with none of the scheme's headers or parameters is refused."""
    with pytest.raises(VerificationError):
        verify(case, request_of(Signed({})))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_wrong_secret(case: Case) -> None:
    """A delivery signed with another secret (or private key) is a SignatureMismatchError."""
    with pytest.raises(SignatureMismatchError):
        verify(case, request_of(signed(case, case.other)))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_no_secrets(case: Case) -> None:
    """A source without secrets verifies nothing (public-key platforms: keys still sign)."""
    request = request_of(signed(case))
    if not case.secrets_used:
        assert case.verifier().verify(request, [], now=NOW).platform == case.slug
        return
    with pytest.raises(SignatureMismatchError):
        case.verifier().verify(request, [], now=NOW)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_tampered_body(case: Case) -> None:
    """A body changed after signing is refused (for field-signed schemes: a signed field)."""
    sent = signed(case)
    body = case.tamper(sent.body if sent.body is not None else BODY)
    request = request_of(Signed(sent.headers, sent.query), body)
    if not case.body_signed and case.tamper(BODY) == body and sent.body is None:
        assert verify(case, request).platform == case.slug  # the scheme signs no body
        return
    with pytest.raises(VerificationError):
        verify(case, request)


@pytest.mark.parametrize("case", TIMESTAMPED, ids=[c.name for c in TIMESTAMPED])
@pytest.mark.parametrize("offset", [-301, 301], ids=["stale", "future"])
def test_timestamp_outside_window(case: Case, offset: int) -> None:
    """A signature made more than five minutes before or after now is refused."""
    with pytest.raises(TimestampOutOfToleranceError):
        verify(case, request_of(signed(case, ts=TS + offset)))


@pytest.mark.parametrize("case", TIMESTAMPED, ids=[c.name for c in TIMESTAMPED])
@pytest.mark.parametrize("offset", [-299, 299], ids=["old", "ahead"])
def test_timestamp_inside_window(case: Case, offset: int) -> None:
    """A signature made within five minutes of now, either way, verifies."""
    assert verify(case, request_of(signed(case, ts=TS + offset))).occurred_at is not None


@pytest.mark.parametrize("case", WITH_HEADER, ids=[c.name for c in WITH_HEADER])
@pytest.mark.parametrize(
    "mangle",
    [lambda _v: "not a signature!", lambda v: v[: len(v) // 2], lambda v: v + "%%"],
    ids=["garbage", "truncated", "suffix"],
)
def test_malformed_header(case: Case, mangle: Callable[[str], str]) -> None:
    """A mangled signature header is refused with a VerificationError, never anything else."""
    sent = signed(case)
    headers = {k: (mangle(v) if k.lower() == case.header else v) for k, v in sent.headers.items()}
    with pytest.raises(VerificationError):
        verify(case, request_of(Signed(headers, sent.query, sent.body)))


@pytest.mark.parametrize("case", WITH_HEADER, ids=[c.name for c in WITH_HEADER])
def test_non_ascii_header(case: Case) -> None:
    """A signature header with a non-ASCII character is a MalformedSignatureError."""
    sent = signed(case)
    headers = {k: ("é" + v[1:] if k.lower() == case.header else v) for k, v in sent.headers.items()}
    with pytest.raises(MalformedSignatureError):
        verify(case, request_of(Signed(headers, sent.query, sent.body)))


ROTATING = [case for case in CASES if case.secrets_used]


@pytest.mark.parametrize("case", ROTATING, ids=[c.name for c in ROTATING])
def test_rotated_secret(case: Case) -> None:
    """With the old and the new secret configured, a delivery signed with either verifies."""
    for key in (case.secret, case.other):
        assert verify(case, request_of(signed(case, key)), case.other, case.secret)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_check_secret_accepts_the_right_secret(case: Case) -> None:
    """The start-up check accepts the secret the case signs with."""
    case.verifier().check_secret(Secret(case.secret))
