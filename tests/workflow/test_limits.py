"""The count behind the public form's limits: one number per call, even when its key expires
between adding it and counting."""

import pytest
from django.core.cache import cache

from workflow import limits


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_each_call_gets_the_next_number():
    assert [limits.count("k", window=60) for _ in range(3)] == [1, 2, 3]
    assert limits.count("other", window=60) == 1


def test_a_key_that_expires_between_adding_and_counting_starts_again(monkeypatch):
    real_incr = cache.incr
    expired = []

    def expire_first(key, *args, **kwargs):
        if not expired:  # the window ends just after the key was added
            expired.append(key)
            cache.delete(key)
        return real_incr(key, *args, **kwargs)

    monkeypatch.setattr(cache, "incr", expire_first)
    limits.count("k", window=60)
    limits.count("k", window=60)

    assert expired == ["k"]
    assert limits.count("k", window=60) == 3


def test_a_key_made_again_without_an_expiry_is_given_its_window(monkeypatch):
    """Redis makes a key that expired just before its INCR afresh, with no expiry."""
    cache.set("k", 0, timeout=None)
    monkeypatch.setattr(cache, "add", lambda *args, **kwargs: False)
    touched = []
    monkeypatch.setattr(cache, "touch", lambda key, timeout: touched.append((key, timeout)))

    assert limits.count("k", window=60) == 1
    assert limits.count("k", window=60) == 2
    assert touched == [("k", 60)]
