"""Run the web server, the Celery worker and beat together in the foreground.

Ctrl-C (or SIGTERM) stops all of them; if one exits, the others are stopped too.
"""

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", default="8000")
    args = parser.parse_args()
    env = dict(os.environ)
    commands = {
        "web": [sys.executable, "manage.py", "runserver", f"127.0.0.1:{args.port}", "--noreload"],
        # One worker process with embedded beat: enough for the embedded filesystem broker.
        "worker": [
            str(BIN / "celery"),
            "-A",
            "portal",
            "worker",
            "--beat",
            "--loglevel=INFO",
            "--concurrency=2",
            "--schedule",
            str(ROOT / "var" / "celerybeat-schedule"),
        ],
    }
    procs = {name: subprocess.Popen(cmd, cwd=ROOT, env=env) for name, cmd in commands.items()}
    print(f"Portal at http://127.0.0.1:{args.port}  (Ctrl-C stops web, worker and beat)", flush=True)

    def stop(*_):
        for proc in procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.time() + 15
        for proc in procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                proc.kill()

    signal.signal(signal.SIGTERM, lambda *_: (stop(), sys.exit(0)))
    try:
        while all(p.poll() is None for p in procs.values()):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
