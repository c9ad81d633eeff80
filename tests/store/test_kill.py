"""A publish killed with SIGKILL part-way leaves the store exactly as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from earlyhelp.store import alerts as repo
from earlyhelp.store.db import open_store
from tests.store.test_alerts import _publish

# Publishes 2,000 alerts for another month, announcing (by a file) when 1,500 have been flushed
# to the database inside the open transaction, then waits to be killed.
PUBLISHER = textwrap.dedent(
    """
    import datetime as dt, sys, time
    from pathlib import Path
    from earlyhelp.store import alerts as repo
    from earlyhelp.store.db import open_store
    from tests.store.alert_rows import alert_fields

    url, flag = sys.argv[1], Path(sys.argv[2])

    def rows():
        for i in range(2000):
            if i == 1500:
                flag.write_text("flushed")
                time.sleep(600)
            yield alert_fields(f"Q{i}")

    with open_store(url=url).session() as session:
        repo.publish(session, month="2026-01", outcome="safeguarding", model_version="v1",
                     as_of=dt.date(2026, 1, 1), policy_sha256="p1", by="killed",
                     alerts=rows())
    """
)


def test_a_killed_publish_leaves_last_months_alerts_as_they_were(
    store_url: str, tmp_path: Path
) -> None:
    store = open_store(url=store_url)
    _publish(store)  # last month: three alerts
    flag = tmp_path / "flushed"
    root = Path(__file__).resolve().parents[2]
    child = subprocess.Popen(
        [sys.executable, "-c", PUBLISHER, store_url, str(flag)],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    try:
        deadline = time.monotonic() + 120
        while not flag.exists():
            assert child.poll() is None, "the publisher ended before it was killed"
            assert time.monotonic() < deadline, "the publisher never reached the kill point"
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    with store.session() as session:
        alerts = repo.list_alerts(session, include_superseded=True)
        assert sorted(a.unit_id for a in alerts) == ["P0", "P1", "P2"]
        assert repo.current_publication(session, "2026-01", "safeguarding") is None
        assert all(a.status == "new" for a in alerts)
    store.close()
