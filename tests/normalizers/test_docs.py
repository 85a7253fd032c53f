"""docs/normalization.md and docs/kafka.md say what the code does: every route, every topic."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from normalizers import NORMALIZERS
from normalizers.generic import GenericNormalizer
from normalizers.schema import ENTITIES, ENTITY_TOPICS

DOCS = Path(__file__).parents[2] / "docs"
MODULES = sorted(slug for slug, n in NORMALIZERS.items() if not isinstance(n, GenericNormalizer))


def section(text: str, title: str) -> str:
    """The text of the ``### title`` section."""
    pattern = rf"^### {re.escape(title)}\n(.*?)(?=^### |\Z)"
    match = re.search(pattern, text, re.MULTILINE | re.DOTALL)
    assert match, title
    return match.group(1)


@pytest.mark.parametrize("slug", MODULES)
def test_every_route_is_a_row_of_the_mapping_table(slug: str) -> None:
    """The platform's table lists exactly its routes, each with its type and entity."""
    module = importlib.import_module(f"normalizers.{slug}")
    if not hasattr(module, "ROUTES"):  # adyen: one event per item, its action by outcome
        assert section((DOCS / "normalization.md").read_text(), slug).strip()
        return
    routes = module.ROUTES
    rows = re.findall(r"^\| `([^`]+)` \| `([^`]+)` \| (\w+) \|$", section(
        (DOCS / "normalization.md").read_text(), slug
    ), re.MULTILINE)  # fmt: skip
    expected = [(topic, r.event_type, r.entity.__name__) for topic, r in routes.items()]
    assert rows == expected


def test_every_generic_platform_and_its_topic_field_is_listed() -> None:
    """The platforms without a module are listed with the body field of their topic."""
    text = section((DOCS / "normalization.md").read_text(), "platforms without a module")
    rows = dict(re.findall(r"^\| (\w+) \| (.+) \|$", text, re.MULTILINE)[1:])
    generic = {s: n for s, n in NORMALIZERS.items() if isinstance(n, GenericNormalizer)}
    assert set(rows) == set(generic)
    for slug, normalizer in generic.items():
        field = normalizer.topic_field
        assert rows[slug] == (f"`{field}`" if field else "(a header only)"), slug


def test_every_entity_topic_is_documented() -> None:
    """docs/kafka.md and docs/normalization.md name each entity's topic."""
    kafka = (DOCS / "kafka.md").read_text()
    normalization = (DOCS / "normalization.md").read_text()
    for topic in ENTITY_TOPICS:
        assert f"`commerce.{topic}`" in kafka, topic
        assert f"`commerce.{topic}`" in normalization, topic
    for entity in ENTITIES.values():
        assert f"| {entity.__name__} |" in normalization, entity.__name__
