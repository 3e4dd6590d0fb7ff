"""Write the API's OpenAPI document, generated from the code, to docs/openapi.yaml.

    python scripts/openapi.py          # write docs/openapi.yaml (make docs)
    python scripts/openapi.py --check  # change nothing; exit 1 when it is out of date

tests/api/test_contract.py fails when the code and the committed document differ.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "openapi.yaml"


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    # The test settings: a throwaway key and local mode, and nothing read from a database.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from followup.api.contract import document

    fresh = document()
    current = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    if fresh == current:
        return 0
    if "--check" in argv:
        print("docs/openapi.yaml is out of date: run make docs.", file=sys.stderr)
        return 1
    DOC.write_text(fresh, encoding="utf-8")
    print("Rewrote docs/openapi.yaml.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
