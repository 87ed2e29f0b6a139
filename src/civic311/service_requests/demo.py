"""Believable Chicago demo data, written through the real services with the clock moved back.

Every request and event goes through services.py, so demo timelines obey
the same rules as real ones (transitions, transfers, duplicates).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from shapely.geometry import Point, shape

from civic311.accounts.models import Role
from civic311.accounts.services import give_role
from civic311.catalog.models import Department, Service
from civic311.core import clock
from civic311.geo import geocoding
from civic311.geo.chicago_grid import address_near
from civic311.geo.models import Ward
from civic311.service_requests import services
from civic311.service_requests.models import Channel, ServiceRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Relative volumes of Chicago's 2012 launch services (311 open data, all time).
WEIGHTS = {
    "Pothole in Street": 30,
    "Street Light 1 / Out": 14,
    "Graffiti Removal": 18,
    "Rodent Baiting / Rat Complaint": 10,
    "Sanitation Code Violation": 6,
    "Abandoned Vehicle": 8,
    "Tree Debris": 5,
    "Alley Light Out": 6,
    "Street Lights All / Out": 3,
    "Traffic Signal Out": 3,
    "Building Violation": 4,
    "Restaurant Complaint": 2,
    "Pavement Cave-In Survey": 2,
    "Street Cut Complaints": 1,
}

DESCRIPTIONS = {
    "Pothole in Street": [
        "Deep pothole in the right lane, cars swerving around it.",
        "Several potholes after the freeze, one is about a foot wide.",
        "Pothole near the bus stop, water pools in it.",
    ],
    "Street Light 1 / Out": [
        "Light out in front of the building.",
        "Street light flickers all night.",
    ],
    "Graffiti Removal": ["Tags on the garage door facing the alley.", "Graffiti on the side wall."],
    "Rodent Baiting / Rat Complaint": [
        "Rats running along the alley at night.",
        "Burrows by the garbage carts.",
    ],
    "Sanitation Code Violation": [
        "Overflowing garbage behind the store.",
        "Mattresses dumped in the alley.",
    ],
    "Abandoned Vehicle": [
        "Car with flat tyres has not moved in weeks.",
        "Van with no plates parked for a month.",
    ],
    "Tree Debris": ["Large branch came down in the storm.", "Pile of branches on the parkway."],
    "Alley Light Out": [
        "Alley is completely dark at night.",
        "Alley light out behind the garages.",
    ],
    "Street Lights All / Out": ["The whole block is dark.", "Four lights in a row are out."],
    "Traffic Signal Out": ["Signal dark at the intersection.", "Signal stuck on red."],
    "Building Violation": ["Back porch is sagging and looks unsafe.", "Vacant building left open."],
    "Restaurant Complaint": [
        "Saw a mouse in the dining room.",
        "Food left out on the counter all afternoon.",
    ],
    "Pavement Cave-In Survey": [
        "Pavement sinking near the sewer grate.",
        "Hole opening up by the curb.",
    ],
    "Street Cut Complaints": [
        "Trench not patched after the utility work.",
        "Street cut patch has sunk.",
    ],
}

CHANNEL_WEIGHTS = {
    Channel.PHONE: 45,
    Channel.WEB: 25,
    Channel.OPEN311: 15,
    Channel.WARD_OFFICE: 10,
    Channel.STAFF: 5,
}
FIRST_NAMES = ["Maria", "James", "Keisha", "Luis", "Anna", "Tom", "Grace", "Ahmed", "Rosa", "Dan"]
LAST_NAMES = ["Garcia", "Johnson", "Nowak", "Williams", "Kim", "Brown", "Lopez", "Patel", "Murphy"]
CLOSING_NOTES = {
    "Pothole in Street": "Crew filled the pothole.",
    "Graffiti Removal": "Graffiti blasted off the surface.",
    "Rodent Baiting / Rat Complaint": "Alley and yards baited.",
    "Tree Debris": "Debris picked up.",
}


@dataclass(frozen=True)
class DemoSummary:
    """How many requests and events the demo wrote."""

    requests: int
    events: int


def create_demo_requests(
    *,
    count: int = 300,
    days: int = 120,
    seed: int = 311,
    progress: Callable[[int], None] = lambda done: None,
) -> DemoSummary:
    """Write `count` requests filed over the last `days` days with realistic timelines."""
    rng = random.Random(seed)
    services_by_name = {s.name: s for s in Service.objects.filter(active=True)}
    if not services_by_name:
        raise RuntimeError("load a catalogue first: civic311 load-catalog chicago-2012")
    crews = _crews()
    points = _PointSampler(rng)
    now = clock.now()
    starts = sorted(
        now - dt.timedelta(seconds=rng.uniform(3600, days * 86400)) for _ in range(count)
    )
    filed: list[ServiceRequest] = []
    for done, start in enumerate(starts, start=1):
        service = _weighted(rng, {s: WEIGHTS.get(n, 1) for n, s in services_by_name.items()})
        with clock.frozen_at(start):
            request = _file(rng, service, points)
        _live(rng, request, start, now, crews, filed, services_by_name)
        filed.append(request)
        progress(done)
    return DemoSummary(len(filed), sum(r.events.count() for r in filed))


def _file(rng: random.Random, service: Service, points: _PointSampler) -> ServiceRequest:
    lat, long = points.sample()
    # The real nearest address, so the typed words and the pin agree (and geocode back);
    # the grid's guess only where no street is near (a park, a rail yard).
    on_east_west = rng.random() < 0.5
    near = geocoding.reverse(lat, long)
    street = near.address if near else address_near(lat, long, on_east_west_street=on_east_west)
    channel = _weighted(rng, CHANNEL_WEIGHTS)
    named = rng.random() < 0.6
    return services.submit_request(
        service=service,
        channel=channel,
        location=services.Location(
            lat=round(lat, 6),
            long=round(long, 6),
            address=f"{street}, Chicago, IL",
        ),
        description=rng.choice(DESCRIPTIONS.get(service.name, ["Please send someone."])),
        attributes=_answers(rng, service),
        requester=services.Requester(
            first_name=rng.choice(FIRST_NAMES) if named else "",
            last_name=rng.choice(LAST_NAMES) if named else "",
            phone=f"312-555-{rng.randint(100, 9999):04d}" if channel == Channel.PHONE else "",
        ),
    )


def _answers(rng: random.Random, service: Service) -> dict[str, list[str]]:
    answers: dict[str, list[str]] = {}
    for attribute in service.attributes.prefetch_related("values"):
        keys = [v.key for v in attribute.values.all()]
        if not attribute.required and rng.random() < 0.4:
            continue
        match attribute.datatype:
            case "singlevaluelist":
                answers[attribute.code] = [rng.choice(keys)]
            case "multivaluelist":
                answers[attribute.code] = rng.sample(keys, k=rng.randint(1, 2))
            case "number":
                answers[attribute.code] = [str(rng.randint(7, 45))]
            case "datetime":
                answers[attribute.code] = [(clock.now() - dt.timedelta(days=1)).isoformat()]
            case "string" if attribute.code == "FQSKA4":
                answers[attribute.code] = [f"{rng.choice('ABCDEFGH')}{rng.randint(10000, 99999)}"]
    return answers


def _live(
    rng: random.Random,
    request: ServiceRequest,
    start: dt.datetime,
    now: dt.datetime,
    crews: dict[int, User],
    filed: list[ServiceRequest],
    services_by_name: dict[str, Service],
) -> None:
    """Walk a request through a plausible life, stopping at the present."""
    moments = _moments(rng, start, now, mean_days=(request.service.target_days or 14) / 3)
    crew = crews[request.department_id]
    earlier_twin = _earlier_open_twin(rng, request, filed)
    for step, moment in enumerate(moments):
        with clock.frozen_at(moment):
            if step == 0 and earlier_twin is not None:
                services.mark_duplicate(
                    request, parent=earlier_twin, actor=crew, note="Same problem already reported."
                )
                return
            if step == 0:
                services.change_status(request, status="investigating", actor=crew)
            elif step == 1 and _maybe_transfer(rng, request, crews, services_by_name):
                crew = crews[request.department_id]
            elif step == 1:
                services.change_status(
                    request,
                    status="action_scheduled",
                    actor=crew,
                    public_note="Work order created.",
                )
            elif step == 2:
                services.change_status(
                    request,
                    status="in_progress",
                    actor=crew,
                    internal_note=f"Crew {rng.randint(1, 40)} dispatched.",
                )
            elif step == 3:
                _close(rng, request, crew)


def _moments(
    rng: random.Random, start: dt.datetime, now: dt.datetime, mean_days: float
) -> Iterator[dt.datetime]:
    """Up to four later moments; some requests stall, as real ones do."""
    moment = start
    for _ in range(4):
        moment += dt.timedelta(days=rng.expovariate(1 / mean_days), hours=rng.uniform(1, 8))
        if moment >= now or rng.random() < 0.07:
            return
        yield moment


def _earlier_open_twin(
    rng: random.Random, request: ServiceRequest, filed: list[ServiceRequest]
) -> ServiceRequest | None:
    if rng.random() > 0.06:
        return None
    recent_ids = [r.pk for r in filed[-60:] if r.service_id == request.service_id]
    twins = list(ServiceRequest.objects.filter(pk__in=recent_ids, duplicate_of=None))
    return rng.choice(twins) if twins else None


def _maybe_transfer(
    rng: random.Random,
    request: ServiceRequest,
    crews: dict[int, User],
    services_by_name: dict[str, Service],
) -> bool:
    if request.service.name != "Pothole in Street" or rng.random() > 0.25:
        return False
    water = Department.objects.get(code="water-management")
    services.transfer(
        request,
        to_department=water,
        to_service=services_by_name.get("Pavement Cave-In Survey"),
        reason="The photo and the crew's survey show a sewer cave-in under the pothole.",
        actor=crews[request.department_id],
    )
    request.refresh_from_db()
    return True


def _close(rng: random.Random, request: ServiceRequest, crew: User) -> None:
    if rng.random() < 0.08:
        services.change_status(
            request,
            status="not_councils_responsibility",
            actor=crew,
            public_note="This is private property; the owner has been notified.",
        )
        return
    services.change_status(
        request,
        status="fixed",
        actor=crew,
        public_note=CLOSING_NOTES.get(request.service.name, "The work is complete."),
    )


def _crews() -> dict[int, User]:
    """One demo crew per department, with a department role so the permission checks pass.

    Crews have no usable password: they act in demo timelines but cannot log in.
    """
    users = get_user_model()
    crews: dict[int, User] = {}
    for department in Department.objects.all():
        user, created = users.objects.get_or_create(
            username=f"demo.{department.code}",
            defaults={"first_name": department.public_name, "last_name": "crew"},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        if not hasattr(user, "staff_profile"):
            give_role(user=user, role=Role.DEPARTMENT, departments=[department])
        crews[department.pk] = user
    return crews


def _weighted[T](rng: random.Random, weights: dict[T, int]) -> T:
    choices = list(weights)
    return rng.choices(choices, weights=[weights[c] for c in choices])[0]


class _PointSampler:
    """Uniform random points inside the city's wards (or around the Loop with none loaded)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.wards = [
            shape(b)
            for b in Ward.objects.filter(boundary__isnull=False).values_list("boundary", flat=True)
        ]

    def sample(self) -> tuple[float, float]:
        if not self.wards:
            return 41.8837 + self.rng.uniform(-0.05, 0.05), -87.6325 + self.rng.uniform(-0.05, 0.05)
        ward = self.rng.choice(self.wards)
        min_x, min_y, max_x, max_y = ward.bounds
        while True:
            x, y = self.rng.uniform(min_x, max_x), self.rng.uniform(min_y, max_y)
            if ward.contains(Point(x, y)):
                return y, x
