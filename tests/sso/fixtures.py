"""Start the test identity provider (tests/sso/idp) as a separate process on a free loopback port."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "portal"
CLIENT_SECRET = "portal-client-secret-for-tests"
CALLBACK = "/accounts/sso/oidc/callback/"
# Loopback redirect URIs match on any port (RFC 8252); the Django test client's host is "testserver".
REDIRECT_URIS = " ".join(f"http://{host}{CALLBACK}" for host in ("127.0.0.1", "localhost", "testserver"))
LOGOUT_URIS = " ".join(f"http://{host}/accounts/login/" for host in ("127.0.0.1", "localhost", "testserver"))


@dataclass
class RunningIdP:
    url: str
    process: subprocess.Popen

    @property
    def oidc_issuer(self) -> str:
        return f"{self.url}/o"

    @property
    def cas_url(self) -> str:
        return f"{self.url}/cas/"


def start_idp(folder: Path) -> RunningIdP:
    env = {
        **os.environ,
        "IDP_DB": str(folder / "idp.sqlite3"),
        "IDP_CLIENT_ID": CLIENT_ID,
        "IDP_CLIENT_SECRET": CLIENT_SECRET,
        "IDP_REDIRECT_URIS": REDIRECT_URIS,
        "IDP_LOGOUT_URIS": LOGOUT_URIS,
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.sso.idp.serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=open(folder / "idp.log", "w"),  # noqa: SIM115 (kept open for the process)
        text=True,
    )
    line = process.stdout.readline().strip()
    if not line.startswith("READY "):
        process.kill()
        raise RuntimeError(f"the test identity provider did not start: {(folder / 'idp.log').read_text()[-2000:]}")
    return RunningIdP(url=f"http://127.0.0.1:{int(line.split()[1])}", process=process)


@pytest.fixture(scope="session")
def identity_provider():
    with tempfile.TemporaryDirectory(prefix="test-idp-") as folder:
        idp = start_idp(Path(folder))
        try:
            yield idp
        finally:
            idp.process.terminate()
            try:
                idp.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                idp.process.kill()
