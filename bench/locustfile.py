"""The load run of ``make bench``: the personas' common pages, as logged-in people use them.

Started by ``bench/run.py`` (headless, loopback only) with ``BENCH_SESSIONS`` naming a JSON file of
``{persona: {"cookies": {...}, "pages": [paths]}}``: the sessions it logged in (second factor
included) and the target pages each persona opens. Each virtual user is one persona, weighted as
the portal is used (members most, the committee least), opening its pages with 1–5 s of think time.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

from locust import HttpUser, between, task

SESSIONS = json.loads(Path(os.environ["BENCH_SESSIONS"]).read_text())
WEIGHTS = {"member": 5, "secretary": 3, "unitadmin": 2, "committee": 1, "inspector": 1}


class Persona(HttpUser):
    abstract = True
    wait_time = between(1, 5)
    persona = ""

    def on_start(self):
        self.client.cookies.update(SESSIONS[self.persona]["cookies"])
        self.pages = SESSIONS[self.persona]["pages"]

    @task
    def open_a_page(self):
        path = random.choice(self.pages)
        # Grouped by page and persona, so the report shows p95 per page.
        with self.client.get(path, name=f"{self.persona} {path.split('?')[0]}", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")


# One user class per persona that the benchmark logged in.
for _name in SESSIONS:
    globals()[f"Persona_{_name}"] = type(
        f"Persona_{_name}", (Persona,), {"persona": _name, "weight": WEIGHTS.get(_name, 1), "abstract": False}
    )
