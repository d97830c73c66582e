#!/usr/bin/env python3
"""`make screenshots`: the admin screenshots the docs show, taken from freshly seeded data.

A throwaway database (BENCH_DATABASE_URL, dropped and migrated as `make bench` does), `seed_demo` with
two days of one-minute history ending now, gunicorn serving collected static files, then headless
Chromium (tests/browser/chromium.py: its flags, every host but 127.0.0.1 unreachable) logs in as the
demo operator and captures the fleet list and the Berlin flat's page at 1280 px. The homes ticked
this minute, so the list shows them live, and the household's chart holds a full day.
The PNGs go to the git-ignored bench/out/img/ unless PUBLISH=1 (docs/img/).
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.setup import django_for_bench  # noqa: E402

WIDTH = 1280
SHOTS = {
    "reporting-admin-list.png": ("list", None),
    "reporting-admin-household.png": ("household", "Berlin flat"),
}


def _collect_static(directory: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        env={**os.environ, "DJANGO_STATIC_ROOT": directory},
        cwd=ROOT,
        check=True,
    )


def _capture(page, path: Path) -> None:
    height = page.evaluate("document.documentElement.scrollHeight")
    shot = page.send(
        "Page.captureScreenshot",
        format="png",
        captureBeyondViewport=True,
        clip={"x": 0, "y": 0, "width": WIDTH, "height": height, "scale": 1},
    )
    path.write_bytes(base64.b64decode(shot["data"]))
    print(f"wrote {path.relative_to(ROOT)} ({WIDTH} x {height} px)")


def main() -> None:
    django_for_bench()
    from django.core.management import call_command

    from bench.load import serve
    from demo.seed import STAFF_EMAIL, STAFF_PASSWORD
    from tests.browser.chromium import chromium, chromium_path

    if chromium_path() is None:
        sys.exit("make screenshots needs Chromium (Debian: apt-get install chromium)")
    out = ROOT / "docs" / "img" if os.environ.get("PUBLISH") == "1" else ROOT / "bench" / "out" / "img"
    out.mkdir(parents=True, exist_ok=True)
    call_command("seed_demo", "--days", "2")
    with tempfile.TemporaryDirectory(prefix="static-") as static:
        _collect_static(static)
        with serve({"DJANGO_STATIC_ROOT": static}, workers=1) as port, chromium(width=WIDTH) as page:
            site = f"http://127.0.0.1:{port}"
            page.goto(f"{site}/admin/login/?next=/admin/")
            page.evaluate(
                f"document.getElementById('id_username').value = {STAFF_EMAIL!r};"
                f"document.getElementById('id_password').value = {STAFF_PASSWORD!r};"
                "document.getElementById('login-form').submit()"
            )
            page.wait_for("location.pathname === '/admin/' && document.readyState === 'complete'")
            for name, (what, search) in SHOTS.items():
                page.goto(f"{site}/admin/households/household/?q={quote(search or '')}")
                if what == "household":
                    link = page.evaluate(
                        "document.querySelector('#result_list tbody th a').getAttribute('href')"
                    )
                    page.goto(f"{site}{link}")
                _capture(page, out / name)


if __name__ == "__main__":
    main()
