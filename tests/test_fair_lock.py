"""The writers' FIFO lock: mutual exclusion, and arrival order."""

from __future__ import annotations

import threading
import time

from stockbot.store.fairlock import FairLock


def test_the_fair_lock_serves_threads_in_arrival_order_and_excludes_each_other():
    lock = FairLock()
    order: list[int] = []
    inside = []

    def worker(n: int) -> None:
        with lock:
            inside.append(n)
            assert len(inside) == 1
            order.append(n)
            time.sleep(0.001)
            inside.pop()

    lock.__enter__()  # hold it while the others queue up one by one
    threads = []
    for n in range(8):
        th = threading.Thread(target=worker, args=(n,))
        th.start()
        threads.append(th)
        deadline = time.monotonic() + 5
        while len(lock._waiters) < n + 1 and time.monotonic() < deadline:
            time.sleep(0.001)
    lock.__exit__(None, None, None)
    for th in threads:
        th.join()
    assert order == list(range(8))
