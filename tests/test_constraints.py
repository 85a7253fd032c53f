"""constraints.txt pins every dependency pyproject.toml names, within the range it allows.

scripts/install (and so CI and `scripts/dev`) and the Dockerfile install with ``pip -c
constraints.txt``. A dependency added to pyproject.toml without re-running scripts/lock would
install at whatever version is newest that day, untested: this test names it instead.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).parents[1]


def _pins() -> dict[str, Version]:
    pins: dict[str, Version] = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if not line or line.startswith("#"):
            continue
        name, _, version = line.partition("==")
        assert version, f"constraints.txt: {line!r} is not an exact pin"
        pins[canonicalize_name(name)] = Version(version)
    return pins


def _requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    listed = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        listed.extend(extra)
    return [Requirement(text) for text in listed]


def test_every_dependency_is_pinned_within_its_range() -> None:
    """Every requirement (extras included) has an exact pin that its specifier allows."""
    pins = _pins()
    pinned = {r: pins.get(canonicalize_name(r.name)) for r in _requirements()}
    unpinned = [str(r) for r, pin in pinned.items() if pin is None]
    assert not unpinned, f"not in constraints.txt (run scripts/lock): {unpinned}"
    outside = [
        f"{r} (pinned {pin})"
        for r, pin in pinned.items()
        if pin is not None and not r.specifier.contains(pin, prereleases=True)
    ]
    assert not outside, f"constraints.txt outside pyproject.toml's ranges: {outside}"


def test_relay_itself_is_not_pinned() -> None:
    """scripts/lock leaves relay out: pinning it would fight the editable install."""
    assert "relay" not in _pins()
