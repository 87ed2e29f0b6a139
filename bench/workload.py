"""The three benchmark operations' inputs, drawn once from the generated database.

The HTTP scenarios (wrk) and the raw-SQL ceiling use the very same inputs, so
their numbers compare like with like:

- lookup: a random existing tracking number (GET requests/{id}.json);
- list: a service code, `open` or `closed`, and a 30-day window somewhere in
  the two years (GET requests.json?service_code=…&status=…&start_date=…&end_date=…,
  at most 50 rows, newest first);
- submit: a service, a point inside a ward and the required answers
  (POST requests.json).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

DAY = dt.timedelta(days=1)
LIST_WINDOW_DAYS = 30
LIST_PAGE_SIZE = 50


@dataclass(frozen=True)
class ListQuery:
    """One filtered-list query: a service, a GeoReport status and a window."""

    service_code: str
    status: str
    start: dt.datetime
    end: dt.datetime
    service_pk: int = 0  # for the ceiling, which need not look the code up

    def query_string(self) -> str:
        """The GeoReport query string for this list."""
        return urlencode(
            {
                "service_code": self.service_code,
                "status": self.status,
                "start_date": self.start.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "end_date": self.end.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "page_size": LIST_PAGE_SIZE,
            }
        )


@dataclass(frozen=True)
class Submission:
    """One new request as an app would POST it."""

    service_code: str
    service_pk: int
    department_pk: int
    lat: float
    long: float
    ward: int
    address: str
    description: str
    attributes: dict[str, Any] = field(default_factory=dict)

    def form(self, api_key: str) -> str:
        """The form-encoded POST body."""
        fields: list[tuple[str, str]] = [
            ("api_key", api_key),
            ("service_code", self.service_code),
            ("lat", f"{self.lat:.6f}"),
            ("long", f"{self.long:.6f}"),
            ("address_string", self.address),
            ("description", self.description),
        ]
        for code, value in self.attributes.items():
            for item in value if isinstance(value, list) else [value]:
                fields.append((f"attribute[{code}]", str(item)))
        return urlencode(fields)


@dataclass(frozen=True)
class Workload:
    """Inputs for every operation, drawn with a fixed seed."""

    tracking_numbers: list[str]
    lists: list[ListQuery]
    submissions: list[Submission]

    def save(self, path: Path) -> None:
        """Write as JSON (for the ceiling's worker processes)."""
        path.write_text(json.dumps(asdict(self), default=str))

    @classmethod
    def load(cls, path: Path) -> Workload:
        """Read what save() wrote."""
        raw = json.loads(path.read_text())
        return cls(
            tracking_numbers=raw["tracking_numbers"],
            lists=[
                ListQuery(
                    q["service_code"],
                    q["status"],
                    dt.datetime.fromisoformat(q["start"]),
                    dt.datetime.fromisoformat(q["end"]),
                    q.get("service_pk", 0),
                )
                for q in raw["lists"]
            ],
            submissions=[Submission(**s) for s in raw["submissions"]],
        )


def draw(*, seed: int = 7, lookups: int = 5000, lists: int = 1000, posts: int = 1000) -> Workload:
    """Draw inputs from the configured (generated) database."""
    import numpy as np
    from django.db.models import Max, Min

    from bench.generate import point_pools, read_catalogue
    from civic311.service_requests.demo import DESCRIPTIONS
    from civic311.service_requests.models import ServiceRequest

    rng = random.Random(seed)
    last_id = ServiceRequest.objects.aggregate(Max("id"))["id__max"] or 0
    if last_id == 0:
        raise SystemExit("the database holds no requests; run the generator first")
    wanted = sorted({rng.randint(1, last_id) for _ in range(lookups)})
    numbers = list(
        ServiceRequest.objects.filter(id__in=wanted, is_test=False).values_list(
            "tracking_number", flat=True
        )
    )
    rng.shuffle(numbers)
    bounds = ServiceRequest.objects.aggregate(Min("requested_datetime"), Max("requested_datetime"))
    first, last = bounds["requested_datetime__min"], bounds["requested_datetime__max"]
    catalogue = read_catalogue()
    codes = [s.code for s in catalogue.services]
    pks = {s.code: s.pk for s in catalogue.services}
    weights = list(catalogue.weights)
    span_days = max(1, (last - first).days - LIST_WINDOW_DAYS)
    queries = []
    for _ in range(lists):
        start = (first + rng.randint(0, span_days) * DAY).replace(microsecond=0)
        code = rng.choices(codes, weights)[0]
        queries.append(
            ListQuery(
                code,
                rng.choice(["open", "closed"]),
                start,
                start + LIST_WINDOW_DAYS * DAY,
                pks[code],
            )
        )
    pools = point_pools(catalogue.ward_numbers, np.random.default_rng(seed))
    submissions = []
    for _ in range(posts):
        info = rng.choices(catalogue.services, weights)[0]
        ward_index = rng.randrange(len(catalogue.ward_numbers))
        spot = rng.randrange(len(pools[ward_index].address))
        ward = catalogue.ward_numbers[ward_index]
        submissions.append(
            Submission(
                service_code=info.code,
                service_pk=info.pk,
                department_pk=catalogue.department_of[(info.pk, ward)],
                lat=float(pools[ward_index].lat[spot]),
                long=float(pools[ward_index].long[spot]),
                ward=ward,
                address=pools[ward_index].address[spot],
                description=rng.choice(DESCRIPTIONS.get(info.name, ["Please send someone."])),
                attributes=json.loads(rng.choice(info.answers)),
            )
        )
    return Workload(numbers, queries, submissions)
