"""Schemathesis hooks for Tests/Fuzz/fuzz.py (loaded through SCHEMATHESIS_HOOKS=hooks).

- Aims most generated requests at the real ids fuzz.py seeded (CAREFLOW_FUZZ_SEEDS, a JSON
  object from path-parameter name to id), so they reach the handlers instead of stopping at a
  404; the rest keep their generated values, which exercise the not-found and bad-id paths.
  DELETE operations keep generated ids: a deleted seed would turn every later request into 404.
- Counts requests and 5xx answers into CAREFLOW_FUZZ_COUNTS when the run ends, the number the
  runner holds against its minimum.
"""
import atexit
import json
import os
import random
import threading

import schemathesis

SEEDS = json.loads(os.environ.get("CAREFLOW_FUZZ_SEEDS", "{}"))
SEEDED_SHARE = 0.75
_lock = threading.Lock()
_tally = {"requests": 0, "5xx": 0, "by_status": {}}
_random = random.Random(16)


@schemathesis.hook
def map_case(context, case):
    if not case.path_parameters or case.method.upper() == "DELETE":
        return case
    for name in list(case.path_parameters):
        if name in SEEDS and _random.random() < SEEDED_SHARE:
            case.path_parameters[name] = SEEDS[name]
    return case


@schemathesis.hook
def after_call(context, case, response):
    with _lock:
        _tally["requests"] += 1
        status = str(response.status_code)
        _tally["by_status"][status] = _tally["by_status"].get(status, 0) + 1
        if response.status_code >= 500:
            _tally["5xx"] += 1
        if _tally["requests"] % 100 == 0:
            _write_counts(locked=True)


@atexit.register
def _write_counts(locked=False):
    """Also every hundred requests, so a run cut short still reports what it sent."""
    path = os.environ.get("CAREFLOW_FUZZ_COUNTS")
    if not path:
        return
    if not locked:
        _lock.acquire()
    try:
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(_tally, handle)
    finally:
        if not locked:
            _lock.release()
