"""`make test`: unit tests on SQLite, again on PostgreSQL when it answers, then browser tests.

Playwright (sync) and asyncio tests run in separate pytest processes. Exits non-zero
when any run fails; says plainly when the PostgreSQL run is skipped.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

TOTALS = {"passed": 0, "failed": 0, "skipped": 0}


def answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def run(label: str, args: list[str], env: dict | None = None) -> int:
    print(f"\n=== {label}: pytest {' '.join(args)}", flush=True)
    t = time.time()
    report = Path(tempfile.mkdtemp()) / "junit.xml"
    rc = subprocess.call(
        [sys.executable, "-m", "pytest", *args, f"--junitxml={report}"],
        env={**os.environ, **(env or {})},
    )
    if report.exists():
        root = ET.parse(report).getroot()
        for suite in root.iter("testsuite"):
            n, f, e, sk = (int(suite.get(k, 0)) for k in ("tests", "failures", "errors", "skipped"))
            TOTALS["passed"] += n - f - e - sk
            TOTALS["failed"] += f + e
            TOTALS["skipped"] += sk
    elif rc != 0:
        TOTALS["failed"] += 1
    print(f"=== {label}: {'passed' if rc == 0 else 'FAILED'} in {time.time() - t:.0f}s", flush=True)
    return rc


def checks() -> int:
    """ruff (lint + format) and pyright, before any suite: a failure stops `make test` at once."""
    root = Path(__file__).resolve().parent.parent
    bindir = Path(sys.executable).parent
    steps = [
        [str(bindir / "ruff"), "format", "--check", "."],
        [str(bindir / "ruff"), "check", "."],
        [str(root / ".tools/node_modules/.bin/pyright"), "--warnings"],
    ]
    for cmd in steps:
        print(f"\n=== check: {Path(cmd[0]).name} {' '.join(cmd[1:])}", flush=True)
        rc = subprocess.call(cmd, cwd=root)
        if rc != 0:
            print(f"=== check FAILED: {' '.join(cmd)} (run `make fmt`, then fix what is left)")
            return rc
    return 0


def main() -> int:
    if checks() != 0:
        print("0 passed, 1 failed")
        return 1
    results = {}
    results["unit (SQLite)"] = run("unit tests on SQLite", ["-q", "tests/unit"])
    if answers("127.0.0.1", 5432):
        results["unit (PostgreSQL)"] = run(
            "unit tests on PostgreSQL", ["-q", "tests/unit"], {"LEADAPP_TEST_PG": "1"}
        )
    else:
        print(
            "\n=== PostgreSQL does not answer on 127.0.0.1:5432: SKIPPING the PostgreSQL run",
            flush=True,
        )
    results["browser"] = run("browser tests", ["-q", "tests/browser"])
    if answers("127.0.0.1", 6379):
        # The same app with Redis state: Reflex then runs several backend workers.
        results["browser (Redis, workers)"] = run(
            "browser tests on Redis with several workers",
            ["-q", "tests/browser", "-m", "multiworker"],
            {"REFLEX_REDIS_URL": "redis://127.0.0.1:6379/3"},
        )
    else:
        print(
            "\n=== Redis does not answer on 127.0.0.1:6379: SKIPPING the Redis (several workers) "
            "browser run",
            flush=True,
        )
    print("\n=== summary")
    for name, rc in results.items():
        print(f"  {name:<20} {'ok' if rc == 0 else 'FAILED'}")
    print(f"{TOTALS['passed']} passed, {TOTALS['failed']} failed, {TOTALS['skipped']} skipped")
    return 0 if all(rc == 0 for rc in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
