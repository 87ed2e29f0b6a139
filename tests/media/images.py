"""Small test images made with Pillow, including hostile ones (bombs, fakes)."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image

RED = (220, 20, 20)
BLUE = (20, 20, 220)
GREEN = (20, 200, 20)


def encode(image: Image.Image, format: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, format=format, **options)
    return out.getvalue()


def jpeg(size=(64, 48), color=RED, **options) -> bytes:
    return encode(Image.new("RGB", size, color), "JPEG", **options)


def left_red_right_blue(width: int, height: int) -> Image.Image:
    image = Image.new("RGB", (width, height), BLUE)
    image.paste(RED, (0, 0, width // 2, height))
    return image


def phone_jpeg() -> bytes:
    """A 400×200 photo stored sideways (EXIF Orientation 6) with GPS, an ICC profile, a comment."""
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {  # GPSInfo: 121 N LaSalle St
        1: "N",
        2: (41.0, 53.0, 1.32),
        3: "W",
        4: (87.0, 37.0, 57.0),
    }
    return encode(
        left_red_right_blue(400, 200),
        "JPEG",
        exif=exif.tobytes(),
        icc_profile=b"not really a profile but carried as is",
        comment=b"taken at home",
        quality=95,
    )


def png_declaring(width: int, height: int) -> bytes:
    """A tiny valid PNG whose IHDR claims width×height pixels (an image bomb's header)."""
    data = encode(Image.new("L", (1, 1)), "PNG")
    ihdr_start = 8  # after the signature: length(4) type(4) data(13) crc(4)
    body = bytearray(data[ihdr_start + 8 : ihdr_start + 8 + 13])
    body[0:8] = struct.pack(">II", width, height)
    crc = struct.pack(">I", zlib.crc32(b"IHDR" + bytes(body)))
    return data[: ihdr_start + 8] + bytes(body) + crc + data[ihdr_start + 8 + 13 + 4 :]


def one_bit_png(side: int = 6300) -> bytes:
    """A real, fully decodable 1-bit PNG of side×side pixels: about 5 KB on the wire.

    At 6300×6300 this is the image of issue 13: under the old 40-megapixel limit each one
    cost seconds of CPU and hundreds of megabytes to process.
    """
    return encode(Image.new("1", (side, side)), "PNG", optimize=True)
