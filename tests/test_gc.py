"""bulk_gc: a higher first-generation threshold inside the block, the caller's after."""

import gc
import threading

import pytest

from tension._gc import BULK_THRESHOLD, bulk_gc


@pytest.fixture(autouse=True)
def _restore_thresholds():
    saved = gc.get_threshold()
    yield
    gc.set_threshold(*saved)


def test_raises_inside_and_restores_after() -> None:
    gc.set_threshold(700, 10, 10)
    with bulk_gc():
        assert gc.get_threshold() == (BULK_THRESHOLD, 10, 10)
    assert gc.get_threshold() == (700, 10, 10)


def test_nested_blocks_restore_only_at_the_outermost() -> None:
    gc.set_threshold(500, 7, 3)
    with bulk_gc():
        with bulk_gc():
            assert gc.get_threshold()[0] == BULK_THRESHOLD
        assert gc.get_threshold()[0] == BULK_THRESHOLD
    assert gc.get_threshold() == (500, 7, 3)


def test_restores_when_the_block_raises() -> None:
    gc.set_threshold(700, 10, 10)
    with pytest.raises(RuntimeError), bulk_gc():
        raise RuntimeError("boom")
    assert gc.get_threshold() == (700, 10, 10)


@pytest.mark.parametrize("caller", [(0, 10, 10), (10 * BULK_THRESHOLD, 10, 10)])
def test_a_caller_who_turned_collection_off_or_higher_keeps_it(caller) -> None:
    gc.set_threshold(*caller)
    with bulk_gc():
        assert gc.get_threshold() == caller
    assert gc.get_threshold() == caller


def test_threads_share_one_setting_until_the_last_leaves() -> None:
    gc.set_threshold(700, 10, 10)
    inside, leave = threading.Event(), threading.Event()

    def worker() -> None:
        with bulk_gc():
            inside.set()
            leave.wait(5)

    t = threading.Thread(target=worker)
    with bulk_gc():
        t.start()
        inside.wait(5)
    # this thread left, the worker is still inside
    assert gc.get_threshold()[0] == BULK_THRESHOLD
    leave.set()
    t.join(5)
    assert gc.get_threshold() == (700, 10, 10)


def test_batch_scoring_leaves_the_callers_setting(tmp_path) -> None:
    from tension import score

    gc.set_threshold(900, 11, 12)
    df = score("Pakistan recalled its ambassador from Iran after the strikes.")
    assert len(df) >= 1
    assert gc.get_threshold() == (900, 11, 12)
