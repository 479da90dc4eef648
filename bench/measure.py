"""Timing helpers for the benchmarks: server time of a page through Django's test client."""

import json
import statistics
import sys
import time

from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext


def emit(**figures):
    """Print one measurement as a JSON line (the format `make bench` promises)."""
    print(json.dumps(figures, sort_keys=True), flush=True)


def page_timing(client: Client, path: str, *, repeat: int = 20, warmup: int = 2, must_answer: bool = True) -> dict:
    """Median and 95th-percentile server time of GET path, and the queries one request runs.

    A page that does not answer 200 stops the run, unless `must_answer` is false: then the result is
    just {"status": <code>}, so a scenario can report a page that does not exist yet and carry on.
    """
    for _ in range(warmup):
        response = client.get(path)
        if response.status_code != 200:
            if must_answer:
                sys.exit(f"bench: GET {path} answered {response.status_code}")
            return {"status": response.status_code}
    timings = []
    for _ in range(repeat):
        reset_queries()
        start = time.perf_counter()
        client.get(path)
        timings.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    timings.sort()
    return {
        "median_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[max(0, int(len(timings) * 0.95) - 1)], 2),
        "queries": len(queries),
        "repeat": repeat,
        "status": 200,
    }


def paired_page_timing(client: Client, paths: list[str], *, repeat: int = 20, warmup: int = 2) -> dict[str, dict]:
    """page_timing for several pages at once, their requests interleaved (a, b, a, b, ...), so a page and
    the page it is compared with run under the same load: a ratio of the two is then fair even on a
    busy machine. Returns {path: figures}; a page that does not answer 200 gives {"status": <code>}."""
    results, timings = {}, {path: [] for path in paths}
    for path in paths:
        for _ in range(warmup):
            response = client.get(path)
            if response.status_code != 200:
                results[path] = {"status": response.status_code}
    live = [path for path in paths if path not in results]
    for _ in range(repeat):
        for path in live:
            start = time.perf_counter()
            client.get(path)
            timings[path].append((time.perf_counter() - start) * 1000)
    for path in live:
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        ordered = sorted(timings[path])
        results[path] = {
            "median_ms": round(statistics.median(ordered), 2),
            "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 2),
            "queries": len(queries),
            "repeat": repeat,
            "status": 200,
        }
    return results
