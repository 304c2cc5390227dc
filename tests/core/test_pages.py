"""Ordinary pages while the library fits: NumPy's huge-page advice is off inside and
restored after, also when calls nest or run in threads, and left alone when the user set
``NUMPY_MADVISE_HUGEPAGE``."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import jupyter_ad as ad
from jupyter_ad.core import pages

switches = pages._switches()
pytestmark = pytest.mark.skipif(switches is None,
                                reason="this NumPy has no switch for its huge-page advice")


@pytest.fixture
def advice(monkeypatch):
    """NumPy's advice switched on for the test (as NumPy does on Linux), restored after."""
    monkeypatch.delenv("NUMPY_MADVISE_HUGEPAGE", raising=False)
    get, set_ = switches
    before = set_(True)
    yield get
    set_(before)


def test_off_inside_and_restored_after(advice):
    with pages.ordinary_pages():
        assert advice() is False
        with pages.ordinary_pages():  # nested: still off, and the inner exit does not restore
            assert advice() is False
        assert advice() is False
    assert advice() is True


def test_restored_after_an_error(advice):
    with pytest.raises(ValueError), pages.ordinary_pages():
        raise ValueError("boom")
    assert advice() is True


def test_overlapping_threads_restore_once_the_last_leaves(advice):
    inside, leave = threading.Event(), threading.Event()

    def worker():
        with pages.ordinary_pages():
            inside.set()
            leave.wait(5)

    thread = threading.Thread(target=worker)
    with pages.ordinary_pages():
        thread.start()
        assert inside.wait(5)
    assert advice() is False  # the worker is still inside
    leave.set()
    thread.join(5)
    assert advice() is True


def test_the_users_choice_is_left_alone(advice, monkeypatch):
    monkeypatch.setenv("NUMPY_MADVISE_HUGEPAGE", "1")
    with pages.ordinary_pages():
        assert advice() is True


def test_fitting_runs_with_ordinary_pages_and_scoring_keeps_the_advice(advice, monkeypatch):
    """The model's fit runs inside; batch scoring keeps NumPy's advice (faster once huge
    pages are free); the process keeps the advice after."""
    from jupyter_ad.data.preprocessing import Preprocessor

    seen = []

    def spy_on(cls, name):
        original = getattr(cls, name)

        def spy(self, *args, **kwargs):
            seen.append((name, advice()))
            return original(self, *args, **kwargs)
        monkeypatch.setattr(cls, name, spy)

    spy_on(Preprocessor, "fit_transform")
    spy_on(ad.AnomalyModel, "preprocess")
    X = np.random.default_rng(0).normal(size=(300, 3))
    res = ad.detect(X, "iforest", random_state=0)
    assert advice() is True
    ad.AnomalyModel("iforest", random_state=0).fit(X)
    res.model.score(X[:5])
    assert seen == [("fit_transform", False), ("fit_transform", False), ("preprocess", True)]
    assert advice() is True
