"""Two services on two real database connections, in a chosen order: the first does its work
and holds its transaction open until the second has either finished or is waiting on a lock
the first holds; then the first commits. Unlike a race released at a barrier, the order is
fixed, so a test can show what the second does when it comes second (`Interleaved.waited`
says whether it had to wait, i.e. whether the two are serialised by a lock at all)."""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction

WAIT_LIMIT = 20.0  # seconds the first waits for the second to finish or block


@dataclass
class Interleaved:
    first: object  # what each call returned, or the exception it raised
    second: object
    waited: bool  # the second blocked on a lock the first held, until the first committed


def _pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _blocked(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT cardinality(pg_blocking_pids(%s)) > 0", [pid])
        return cursor.fetchone()[0]


def interleave(first: Callable[[], object], second: Callable[[], object]) -> Interleaved:
    """Run `first` in one transaction, then `second` while that transaction is still open."""
    done_first, done_second = threading.Event(), threading.Event()
    second_pid: list[int] = []
    pid_known = threading.Event()
    out: dict[str, object] = {"waited": False}

    def run_first() -> None:
        try:
            with transaction.atomic():
                try:
                    out["first"] = first()
                finally:
                    done_first.set()
                pid_known.wait(timeout=WAIT_LIMIT)
                began = time.monotonic()
                while not done_second.is_set() and time.monotonic() - began < WAIT_LIMIT:
                    if second_pid and _blocked(second_pid[0]):
                        out["waited"] = True
                        break
                    time.sleep(0.05)
        except Exception as error:  # noqa: BLE001 - the test inspects what each call met
            out["first"] = error
        finally:
            connection.close()

    def run_second() -> None:
        try:
            second_pid.append(_pid())
            pid_known.set()
            done_first.wait(timeout=WAIT_LIMIT)
            out["second"] = second()
        except Exception as error:  # noqa: BLE001
            out["second"] = error
        finally:
            pid_known.set()
            done_second.set()
            connection.close()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=2 * WAIT_LIMIT + 10)
    return Interleaved(first=out.get("first"), second=out.get("second"), waited=out["waited"])
