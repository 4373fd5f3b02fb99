"""First-run setup in the browser (G1): an empty database opens /setup; once set up, the page
is gone. Served by one extra app on an empty database, from a copy of the project (its own
.web build directory, so the shared server's build is not touched)."""

import os
import re
import shutil
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from leadapp.bench.served import ROOT, reflex_server

T = 60_000
COPY = ["leadapp", "alembic", "assets", "rxconfig.py", "pyproject.toml", "reflex.lock"]


@pytest.fixture(scope="module")
def empty_server(tmp_path_factory):
    work = tmp_path_factory.mktemp("setup-app")
    for name in COPY:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, work / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, work / name)
    for name in (".venv", ".tools"):
        (work / name).symlink_to(ROOT / name)
    if (ROOT / ".web").is_dir():  # reuse the installed node modules, not the build output
        shutil.copytree(
            ROOT / ".web",
            work / ".web",
            ignore=shutil.ignore_patterns("node_modules", "build", ".next"),
        )
        (work / ".web" / "node_modules").symlink_to(ROOT / ".web" / "node_modules")
    db_url = f"sqlite:///{work / 'empty.db'}"
    env = {**os.environ, "REFLEX_DB_URL": db_url, "PYTHONPATH": str(work)}
    subprocess.run(
        [sys.executable, "-m", "leadapp.cli", "db", "upgrade"], cwd=work, env=env, check=True
    )
    with reflex_server(db_url, work / "reflex.log", cwd=work, unset=["REFLEX_REDIS_URL"]) as (
        base,
        _pgid,
    ):
        yield base


def test_setup_on_an_empty_database_then_the_page_is_gone(page, browser, empty_server, shot):
    page.goto(f"{empty_server}/")
    page.wait_for_url(re.compile(r".*/setup/?$"), timeout=T)
    page.fill("#brokerage_name", "Harbor Homes")
    page.fill("#primary_email", "office@harbor.test")
    page.fill("#postal_address", "1 Quay Street, Harbor City, CA 94000")
    page.fill("#name", "Hana Harbor")
    page.fill("#email", "hana@harbor.test")
    page.fill("#password", "qwertyuiop")  # too common: refused, nothing created
    page.get_by_test_id("setup").click()
    expect(page.get_by_test_id("error-password")).to_contain_text("too common", timeout=T)
    shot(page, "setup_page")
    page.fill("#password", "harbor's first broker password")
    page.get_by_test_id("setup").click()
    expect(page.get_by_test_id("user-role")).to_have_text("broker", timeout=T)
    expect(page.get_by_text("Harbor Homes").first).to_be_visible()
    shot(page, "setup_done_dashboard")
    # Afterwards the page redirects to sign-in, for everybody.
    other = browser.new_context().new_page()
    other.goto(f"{empty_server}/setup")
    other.wait_for_url(re.compile(r".*/login/?$"), timeout=T)
    # A fresh load of the sign-in page: the client-side redirect may still be rendering it,
    # and a render after the fill would empty the fields.
    other.goto(f"{empty_server}/login")
    other.wait_for_selector("[data-testid=sign-in]", timeout=T)
    other.fill("#email", "hana@harbor.test")
    other.fill("#password", "harbor's first broker password")
    other.click("[data-testid=sign-in]")
    expect(other.get_by_test_id("user-role")).to_have_text("broker", timeout=T)
