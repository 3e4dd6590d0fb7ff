"""The records key (``FOLLOWUP_RECORDS_KEY``): its own secret, held to the secret key's rules,
or derived from the secret key when it is not set."""

from __future__ import annotations

import hashlib
import hmac
import os
import subprocess
import sys
from pathlib import Path

STRONG = "kR7vQ2mZ9xW4pL8nT3yB6cF1hJ5sD0gA-uE_iO7rK2wN9qM4zX8vC3bV6nL1tY5"
OTHER = "Zx9Lq2Vm7Rt4Wp8Ny3Kb6Hc1Jf5Gd0Sa-Ue_Io7Rk2Wn9Qm4Zx8Vc3Bv6Nl1Ty5"
SHOW = "from followup import settings; print(settings.RECORDS_KEY.hex())"


def run(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("FOLLOWUP_", "DJANGO_"))}
    clean |= {
        "FOLLOWUP_DATA_DIR": str(tmp_path),
        "FOLLOWUP_SECRET_KEY": STRONG,
        "FOLLOWUP_HTTPS": "false",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-c", SHOW], env=clean, capture_output=True, text=True, timeout=60
    )


def test_the_records_key_is_its_own_setting_when_set(tmp_path):
    done = run(tmp_path, FOLLOWUP_RECORDS_KEY=OTHER)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == OTHER.encode().hex()


def test_unset_the_records_key_is_derived_from_the_secret_key(tmp_path):
    done = run(tmp_path)
    assert done.returncode == 0, done.stderr
    derived = hmac.new(STRONG.encode(), b"followup.records", hashlib.sha256).hexdigest()
    assert done.stdout.strip() == derived


def test_a_weak_records_key_stops_a_production_server_naming_the_variable(tmp_path):
    done = run(tmp_path, FOLLOWUP_RECORDS_KEY="password" * 8)
    assert done.returncode != 0
    assert "FOLLOWUP_RECORDS_KEY" in done.stderr
