"""Property: a normalizer returns valid events or says the body does not fit, nothing else.

Each golden sample's body is mutated by Hypothesis (a scalar replaced by another JSON value,
an object key dropped); the normalizer must either raise ``MalformedPayloadError`` or return
events that validate against their JSON Schema and round-trip through orjson and the model.
A ``TypeError``, ``KeyError`` or pydantic ``ValidationError`` escaping is a bug.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
import pytest
from _schemas import event_validator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from normalizers import NORMALIZERS, MalformedPayloadError
from normalizers.schema import CanonicalEvent, entity_class
from verifiers import Verified

SAMPLES = Path(__file__).parents[1] / "samples"
CASES = sorted(path for path in SAMPLES.glob("*/*") if path.is_dir())
TEXT = st.characters(exclude_categories=("Cs",))  # orjson refuses lone surrogates
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(TEXT, max_size=8)
    | st.sampled_from(["", "2025-01-01T00:00:00Z", "10.10", "usd", "X", "2025-13-01"])
    | st.just([])
    | st.just({})
)


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside a JSON document (the root excluded)."""
    found: list[tuple[Any, ...]] = []
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else []
    )
    for key, child in items:
        found.append((*prefix, key))
        found.extend(paths(child, (*prefix, key)))
    return found


@st.composite
def mutated(draw: st.DrawFn, body: Any) -> Any:
    """The body with one to three values replaced or keys dropped."""
    body = copy.deepcopy(body)
    for _ in range(draw(st.integers(1, 3))):
        where = paths(body)
        if not where:
            break
        path = draw(st.sampled_from(where))
        parent = body
        for key in path[:-1]:
            parent = parent[key]
        if isinstance(parent, dict) and draw(st.booleans()):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(SCALARS)
    return body


def check(events: list[CanonicalEvent]) -> None:
    """Each event validates against its schema and round-trips unchanged."""
    for event in events:
        wire = orjson.loads(event.to_json())
        assert list(event_validator(wire["type"]).iter_errors(wire)) == []
        data = entity_class(wire["type"]).model_validate(wire["data"])
        assert CanonicalEvent.model_validate({**wire, "data": data}) == event


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case.parent.name}/{case.name}")
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_mutated_samples_normalize_or_are_malformed(
    case: Path, make_delivery: Callable[..., Verified], data: st.DataObject
) -> None:
    """A mutated sample yields valid events or MalformedPayloadError, never another error."""
    platform = case.parent.name
    headers: dict[str, str] = orjson.loads((case / "headers.json").read_bytes())
    topic = headers.get("x-shopify-topic") or headers.get("x-wc-webhook-topic") or headers.get(
        "x-commercelayer-topic"
    ) or headers.get("x-event-name", "")  # fmt: skip
    body = data.draw(mutated(orjson.loads((case / "body.json").read_bytes())))
    delivery = make_delivery(platform, orjson.dumps(body), topic, delivery_id="d-1")
    try:
        events = list(NORMALIZERS[platform](delivery))
    except MalformedPayloadError:
        return
    assert events
    check(events)
    assert all(
        event.time.tzinfo is not None and isinstance(event.time, datetime) for event in events
    )
