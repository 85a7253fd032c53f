"""Golden samples: every public platform payload in tests/samples normalizes to its expected.json.

Each event also validates against its type's exported JSON Schema and round-trips through
JSON and the model unchanged.

Each case directory holds the platform's body verbatim (``body.json``), where it comes from
(``source.txt``), the headers the platform sends with it (``headers.json``, signatures left
out) and the canonical events (``expected.json``). Deliveries are built from the headers as
the platform's verifier reads them, without verifying: signatures are the verifiers' tests.
A sample without a delivery id header gets the body digest, as verifiers do.

``RELAY_UPDATE_GOLDEN=1 pytest tests/normalizers/test_samples.py`` rewrites every
expected.json; review the diff field by field against body.json before committing it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import orjson
import pytest
from _schemas import event_validator

from normalizers import NORMALIZERS
from normalizers.schema import CanonicalEvent, entity_class
from verifiers import Verified

SAMPLES = Path(__file__).parents[1] / "samples"
CASES = sorted(path for path in SAMPLES.glob("*/*") if path.is_dir())

# The headers a platform's verifier reads the topic, delivery id, store and event time from
# ("": the platform sends none).
HEADER_NAMES = {
    "adobe_commerce": ("", "", "", ""),
    "bigcommerce": ("", "", "", ""),
    "commercelayer": ("x-commercelayer-topic", "", "", ""),
    "ecwid": ("", "", "", ""),
    "lazada": ("", "", "", ""),
    "lemonsqueezy": ("x-event-name", "", "", ""),
    "paypal": ("", "paypal-transmission-id", "", "paypal-transmission-time"),
    "shopify": (
        "x-shopify-topic",
        "x-shopify-webhook-id",
        "x-shopify-shop-domain",
        "x-shopify-triggered-at",
    ),
    "square": ("", "", "", ""),
    "stripe": ("", "", "", ""),
    "tiktok_shop": ("", "", "", ""),
    "woocommerce": ("x-wc-webhook-topic", "x-wc-webhook-delivery-id", "x-wc-webhook-source", ""),
}


def sample_delivery(
    make_delivery: Callable[..., Verified], case: Path, source_id: str, *, compact: bool = False
) -> Verified:
    """The delivery of the golden sample in folder ``case``, as its verifier would build it.

    ``make_delivery`` is conftest's ``build_delivery``; ``compact`` re-encodes the body
    without whitespace, as platforms send it (bench/normalize.py).
    """
    platform = case.parent.name
    headers: dict[str, str] = orjson.loads((case / "headers.json").read_bytes())
    topic, delivery_id, store, occurred = HEADER_NAMES[platform]
    occurred_at = headers.get(occurred)
    body = (case / "body.json").read_bytes()
    return make_delivery(
        platform,
        orjson.dumps(orjson.loads(body)) if compact else body,
        headers.get(topic, ""),
        delivery_id=headers.get(delivery_id),
        store_id=headers.get(store),
        occurred_at=datetime.fromisoformat(occurred_at) if occurred_at else None,
        headers=headers,
        source_id=source_id,
    )


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case.parent.name}/{case.name}")
def test_sample(case: Path, make_delivery: Callable[..., Verified]) -> None:
    """A sample's body and headers normalize to exactly the events in its expected.json."""
    platform = case.parent.name
    delivery = sample_delivery(make_delivery, case, f"{platform}-samples")

    events = NORMALIZERS[platform](delivery)
    actual = [orjson.loads(event.to_json()) for event in events]
    for event, wire in zip(events, actual, strict=True):
        assert list(event_validator(wire["type"]).iter_errors(wire)) == []
        again = CanonicalEvent.model_validate(
            {**wire, "data": entity_class(wire["type"]).model_validate(wire["data"])}
        )
        assert again == event
        assert again.to_json() == event.to_json()

    expected_path = case / "expected.json"
    if os.environ.get("RELAY_UPDATE_GOLDEN") == "1":
        expected_path.write_bytes(orjson.dumps(actual, option=orjson.OPT_INDENT_2) + b"\n")
    assert actual == orjson.loads(expected_path.read_bytes())


def test_every_sample_is_complete() -> None:
    """Every sample case has its body, source, headers and expected events, and a platform."""
    assert CASES
    for case in CASES:
        assert case.parent.name in NORMALIZERS
        for name in ("body.json", "source.txt", "headers.json", "expected.json"):
            assert (case / name).is_file(), f"{case}/{name}"
