"""At most `rate` request starts per second and `concurrency` requests in flight, per host, across threads."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

# Added to every gap, so that a server timing the requests it receives never sees them closer than the limit,
# whatever the jitter between our clock and its arrival times.
SLACK_SECONDS = 0.005


class HostLimiter:
    """Spaces request starts to one host at least `1 / rate` seconds apart (or a robots.txt crawl-delay,
    whichever is longer) and caps the requests in flight to it. Threads share one limiter."""

    def __init__(
        self,
        rate: float = 1.0,
        concurrency: int = 1,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError(f"rate must be positive, got {rate}")
        if concurrency < 1:
            raise ValueError(f"concurrency must be at least 1, got {concurrency}")
        self.interval = 1.0 / rate + SLACK_SECONDS
        self.concurrency = concurrency
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next_start: dict[str, float] = {}
        self._delays: dict[str, float] = {}
        self._slots: dict[str, threading.BoundedSemaphore] = {}

    def set_delay(self, host: str, seconds: float) -> None:
        """A longer gap for one host (robots.txt Crawl-delay); never shorter than the rate allows."""
        with self._lock:
            self._delays[host] = max(seconds, 0.0)

    def gap(self, host: str) -> float:
        return max(self.interval, self._delays.get(host, 0.0))

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        """Wait for a free slot and for the host's next start time, then hold the slot for one request."""
        with self._lock:
            semaphore = self._slots.setdefault(host, threading.BoundedSemaphore(self.concurrency))
        with semaphore:
            with self._lock:
                now = self._clock()
                start = max(now, self._next_start.get(host, now))
                self._next_start[host] = start + self.gap(host)
            if start > now:
                self._sleep(start - now)
            yield
