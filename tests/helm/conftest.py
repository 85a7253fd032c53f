"""The chart rendered once per values set, for the whole session."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from _chart import VALUES, Rendered, render


@pytest.fixture(scope="session")
def rendered() -> dict[str, Rendered]:
    """Every values set, rendered once for the whole session."""
    out: dict[str, Rendered] = {}
    for name, values in VALUES.items():
        files = render(values)
        docs = [d for text in files.values() for d in yaml.safe_load_all(text) if d]
        out[name] = Rendered(name, values, files, docs)
    return out


@pytest.fixture(scope="session")
def manifest_dir(rendered: dict[str, Rendered], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The rendered manifests written as files: <values set>/<template>.yaml."""
    root = tmp_path_factory.mktemp("manifests")
    for name, result in rendered.items():
        for path, text in result.files.items():
            target = root / name / Path(path).name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
    return root
