"""Every saved vector for these platforms, verified with the vector's own clock.

The JSON files in ``vectors/`` are copied verbatim from the shared research (each names its
``source``); a vector without ``verify_at_unix`` signs no timestamp, so any clock will do.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from verifiers import VERIFIERS, InboundRequest, Secret, VerificationError

Build = Callable[..., InboundRequest]

VECTORS = sorted((Path(__file__).parent / "vectors").glob("*.json"))


def test_vectors_are_present() -> None:
    """The vectors of Shopify, WooCommerce and Standard Webhooks are all here."""
    assert [path.stem for path in VECTORS] == ["shopify-1", "standard-webhooks-1", "woocommerce-1"]


@pytest.mark.parametrize("path", VECTORS, ids=[path.stem for path in VECTORS])
def test_vector(make_request: Build, path: Path) -> None:
    """The vector verifies exactly when it says it is valid."""
    vector = json.loads(path.read_text(encoding="utf-8"))
    assert vector["source"]
    verifier = VERIFIERS[vector["platform"].replace("-", "_")].from_options({})
    now = datetime.fromtimestamp(vector.get("verify_at_unix", 1_764_244_800), UTC)
    request = make_request(vector["headers"], vector["body"].encode(), received_at=now)
    secrets = [Secret(vector["secret"])]
    if vector["expected_valid"]:
        verified = verifier.verify(request, secrets, now=now)
        assert verified.platform == verifier.platform
    else:  # none of the saved vectors for these platforms is negative (yet)
        with pytest.raises(VerificationError):
            verifier.verify(request, secrets, now=now)
