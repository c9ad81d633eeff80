"""A SQL source's URL without its credentials, for everything that is stored or shown.

The URL in `sources.yaml` (or settings) may carry a user name and password; the load's name,
its lineage row, the quarantine and every model's `data.json` take the URL from here, so a
password never leaves the settings.
"""

from __future__ import annotations

import re

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

# Query parameters that may carry a credential (`?password=...`, `?sslkey=...`).
SECRET_KEY = re.compile(r"pass|pwd|secret|token|key", re.IGNORECASE)


def without_credentials(url: str) -> str:
    """The URL with user and password removed (an unparseable URL is not shown at all)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return "(a database URL that cannot be parsed)"
    bare = URL.create(
        parsed.drivername,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
        query={k: v for k, v in parsed.query.items() if not SECRET_KEY.search(k)},
    )
    return bare.render_as_string(hide_password=True)
