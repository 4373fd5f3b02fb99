"""`leadapp loadtest` against the served app: 20 simulated agents and brokers for 30 s over
the real websocket while the website API posts events. It must finish without an error and
report every action of the mix (timings are printed, never asserted)."""

from __future__ import annotations

import re

from sqlmodel import Session, col, select

from leadapp.cli import main
from leadapp.models import Activity, User
from leadapp.services import apikeys

from .conftest import WHO


def test_a_short_load_test_runs_clean(server, engine, capsys):

    with Session(engine) as s:
        broker = s.exec(select(User).where(col(User.email) == WHO["broker"])).one()
        _, key = apikeys.create_key(s, broker, "Load test")
        s.commit()
        activities = len(s.exec(select(col(Activity.id))).all())
    code = main(
        [
            "loadtest",
            "--url",
            server,
            "--users",
            "20",
            "--duration",
            "30",
            "--api-key",
            key,
            "--api-rate",
            "4",
        ]
    )
    out = capsys.readouterr().out
    print(out)
    assert code == 0, out
    for action in ("sign in", "dashboard", "lead list", "open lead", "switch tab", "api event"):
        assert re.search(rf"^{action}\s+[1-9]", out, re.M), f"{action} never ran:\n{out}"
    assert re.search(r"events in \d+ s = [\d.]+ events/s; 0 errors", out)
    with Session(engine) as s:  # the website events the API took are stored
        assert len(s.exec(select(col(Activity.id))).all()) > activities
