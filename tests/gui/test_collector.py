"""Cycles are freed on the GUI thread only: a collection on a worker thread once freed a widget there
and deadlocked the interpreter lock against shiboken's."""

import gc
import threading


def test_cycles_are_collected_by_the_gui_thread_on_a_timer(window, qtbot):
    assert not gc.isenabled()  # no automatic collection: it would run on whichever thread allocates
    freed_on = []

    class Node:
        def __init__(self):
            self.me = self

        def __del__(self):
            freed_on.append(threading.get_ident())

    for _ in range(100):
        Node()
    worker = threading.Thread(target=lambda: [list(range(50)) for _ in range(20_000)])  # allocations elsewhere
    worker.start()
    worker.join()
    assert not freed_on  # the worker's allocations collected nothing
    kept = [[] for _ in range(gc.get_threshold()[0] + 10)]  # past the first generation's threshold
    qtbot.waitUntil(lambda: len(freed_on) == 100, timeout=3000)
    del kept
    assert set(freed_on) == {threading.main_thread().ident}
