"""Issue 13's subscription flood against a served civic311: one address, every request number.

    .venv/bin/python -m bench.subscription_flood http://127.0.0.1:18711 [victim@example.org]

Lists the request numbers through the Open311 API, POSTs the tracker's subscribe form for
each from this one IP address with one email address (or a new one each time when the
address has `{n}` in it, e.g. `r{n}@example.org`), and prints the answers by status and the
seconds it took. Count what was queued in the outbox afterwards (docs/abuse-limits.md).
"""

from __future__ import annotations

import collections
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request


def request_numbers(base: str) -> list[str]:
    """Every request number the API lists (all statuses, newest first)."""
    query = urllib.parse.urlencode({"page_size": 1000, "start_date": "2000-01-01T00:00:00Z"})
    with urllib.request.urlopen(f"{base}/open311/v2/requests.json?{query}") as answer:
        return [r["service_request_id"] for r in json.load(answer)]


def post(url: str, form: dict[str, str]) -> int:
    """POST a form and return the HTTP status."""
    data = urllib.parse.urlencode(form).encode()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data)) as answer:
            return answer.status
    except urllib.error.HTTPError as refused:
        return refused.code


def main() -> None:
    """Run the flood and print what the server answered."""
    base = sys.argv[1].rstrip("/")
    email = sys.argv[2] if len(sys.argv) > 2 else "victim@example.org"
    numbers = request_numbers(base)
    started = time.monotonic()
    statuses = [
        post(f"{base}/requests/{number}/subscribe", {"email": email.format(n=n)})
        for n, number in enumerate(numbers)
    ]
    seconds = time.monotonic() - started
    counts = dict(sorted(collections.Counter(statuses).items()))
    print(f"{len(numbers)} POSTs in {seconds:.1f} s; answers by status: {counts}")


if __name__ == "__main__":
    main()
