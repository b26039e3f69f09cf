"""Run a command under an address-space limit and report its exit code, seconds and peak memory.

    python bounded_run.py LIMIT_BYTES REPORT.json COMMAND...

The command's stdout and stderr are this process's. The report (JSON) is written to REPORT.json.

A separate small process, because a child's peak resident memory (wait4's ru_maxrss) counts the
memory of the process that forked it: a command started straight from a pytest worker that has
loaded torch or built a 2,000-paper site reports that worker's size, not its own.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time


def main() -> None:
    limit, report, command = int(sys.argv[1]), sys.argv[2], sys.argv[3:]

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    started = time.perf_counter()
    run = subprocess.Popen(command, preexec_fn=limit_memory)
    _, status, usage = os.wait4(run.pid, 0)
    seconds = time.perf_counter() - started
    result = {"returncode": os.waitstatus_to_exitcode(status), "seconds": seconds, "peak_mb": usage.ru_maxrss / 1024}
    with open(report, "w", encoding="utf-8") as file:
        json.dump(result, file)


if __name__ == "__main__":
    main()
