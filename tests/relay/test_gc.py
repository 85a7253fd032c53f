"""``relay.server.tune_gc``: the ``gc`` settings applied to the running process."""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterator

import pytest

from relay.config import GcSettings
from relay.server import tune_gc


@pytest.fixture
def restored_gc() -> Iterator[None]:
    """Put this test process's collector back as it was."""
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


@pytest.mark.usefixtures("restored_gc")
def test_defaults_raise_gen0_and_freeze_what_is_loaded(caplog: pytest.LogCaptureFixture) -> None:
    """The default thresholds are set, start-up's objects frozen, and both are logged."""
    gc.unfreeze()
    with caplog.at_level(logging.INFO, logger="relay.server"):
        tune_gc(GcSettings())
    assert gc.get_threshold() == (20_000, 10, 10)
    record = next(r for r in caplog.records if r.getMessage() == "garbage collector set")
    assert record.thresholds == [20_000, 10, 10]
    # this process's modules at least; some frozen objects are freed (by refcount) since
    assert record.frozen_objects >= gc.get_freeze_count() > 1000


@pytest.mark.usefixtures("restored_gc")
def test_null_thresholds_and_no_freeze_leave_python_s_collector_alone() -> None:
    """`thresholds: null, freeze: false` changes nothing."""
    gc.unfreeze()
    gc.set_threshold(700, 10, 10)
    tune_gc(GcSettings(thresholds=None, freeze=False))
    assert gc.get_threshold() == (700, 10, 10)
    assert gc.get_freeze_count() == 0


@pytest.mark.usefixtures("restored_gc")
def test_custom_thresholds_are_set_as_given() -> None:
    """Each of the three thresholds is the configured one."""
    tune_gc(GcSettings(thresholds=(5000, 20, 30), freeze=False))
    assert gc.get_threshold() == (5000, 20, 30)
