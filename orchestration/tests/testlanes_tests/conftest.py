from __future__ import annotations

import pytest

HUNG_TEST = "test_waits_for_a_reply_that_never_comes"


@pytest.fixture()
def hung_batch(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> str:
    """test_batch.py: a test that waits forever, then one that passes; the lane's test limit
    (PYTEST_TIMEOUT) is 1 s. Returns the hung test's name."""
    # The limit covers set-up too: at 0.2 s a loaded CI machine timed out the hung test's set-up
    # (an error, not the failure these tests expect).
    monkeypatch.setenv("PYTEST_TIMEOUT", "1")
    pytester.makepyfile(
        test_batch=f"""
        import threading

        def {HUNG_TEST}():
            threading.Event().wait()

        def test_after_the_hung_one():
            pass
        """
    )
    return HUNG_TEST
