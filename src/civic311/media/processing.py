"""Turn an uploaded file into a safe, private JPEG and its thumbnail (pure: no database).

Photos come from anyone on the internet, so nothing about them is trusted:
the size is capped before reading further, the format is sniffed from the
bytes (never the name or the client's content type), the declared pixel
count is checked before any pixel is decoded (a 50 KB PNG can declare
50000×50000 pixels and eat gigabytes), and the picture is re-encoded from its
pixels so no EXIF (GPS position of the resident's home), ICC profile,
comment or XMP survives. Every refusal is a `ValidationFailed` under the
`media` key with one sentence the resident can act on.
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass
from pathlib import PureWindowsPath
from typing import BinaryIO

from PIL import ExifTags, Image

from civic311.core.errors import ValidationFailed

MB = 1024 * 1024
ACCEPTED_FORMATS = ("JPEG", "PNG", "GIF", "WEBP")
MAX_LONG_SIDE = 2560
THUMBNAIL_LONG_SIDE = 320
JPEG_QUALITY = 85
THUMBNAIL_QUALITY = 80


@dataclass(frozen=True)
class ProcessedPhoto:
    """A photo ready to store: a clean JPEG, its thumbnail and its pixel size."""

    image: bytes
    thumbnail: bytes
    width: int
    height: int
    content_type: str = "image/jpeg"


def process_photo(
    source: bytes | BinaryIO, *, filename: str = "", max_bytes: int, max_pixels: int
) -> ProcessedPhoto:
    """Validate an upload and re-encode it as a metadata-free JPEG plus a 320 px thumbnail."""
    name = _display_name(filename or getattr(source, "name", "") or "")
    data = _read_capped(source, name, max_bytes)
    image = _open_checked(data, name, max_pixels)
    try:
        pixels = _clean_pixels(image)
    except ValidationFailed:
        raise
    except Exception:
        # Pillow's decoders raise many exception types on damaged input (OSError,
        # SyntaxError, struct.error, IndexError…); to the resident they all mean one thing.
        raise _refusal(
            f"{name} is damaged or incomplete and could not be read as an image."
        ) from None
    pixels.thumbnail((MAX_LONG_SIDE, MAX_LONG_SIDE), Image.Resampling.LANCZOS)
    thumbnail = pixels.copy()
    thumbnail.thumbnail((THUMBNAIL_LONG_SIDE, THUMBNAIL_LONG_SIDE), Image.Resampling.LANCZOS)
    return ProcessedPhoto(
        image=_jpeg(pixels, JPEG_QUALITY),
        thumbnail=_jpeg(thumbnail, THUMBNAIL_QUALITY),
        width=pixels.width,
        height=pixels.height,
    )


def _refusal(sentence: str) -> ValidationFailed:
    return ValidationFailed({"media": sentence})


def _display_name(filename: str) -> str:
    """The file's own name without any client-side folders, for sentences."""
    base = PureWindowsPath(filename).name.strip()  # handles both / and \ separators
    return base[:100] if base else "The photo"


def _megabytes(size: int) -> str:
    value = size / MB
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


def _read_capped(source: bytes | BinaryIO, name: str, max_bytes: int) -> bytes:
    """Read at most max_bytes + 1 bytes: enough to know the file is too big, never more."""
    if isinstance(source, bytes | bytearray | memoryview):
        total: int | None = len(source)
        data = bytes(source[: max_bytes + 1])
    else:
        total = _declared_size(source)
        data = source.read(max_bytes + 1) or b""
    if len(data) > max_bytes or (total is not None and total > max_bytes):
        size = f"{float(total) / MB:.1f} MB" if total else f"more than {_megabytes(max_bytes)} MB"
        raise _refusal(f"{name} is {size}; photos may be at most {_megabytes(max_bytes)} MB.")
    if not data:
        raise _refusal(f"{name} is empty.")
    return data


def _declared_size(source: BinaryIO) -> int | None:
    """The upload's full size when known without reading it (UploadedFile.size, or a seek)."""
    size = getattr(source, "size", None)
    if isinstance(size, int):
        return size
    try:
        here = source.tell()
        end = source.seek(0, io.SEEK_END)
        source.seek(here)
    except (AttributeError, OSError, ValueError):
        return None  # a pipe or socket: the capped read below still bounds it
    return end - here


_BOMB_PIXELS = re.compile(r"\((\d+) pixels\)")


def _open_checked(data: bytes, name: str, max_pixels: int) -> Image.Image:
    """Identify the format from the bytes and check the declared size before decoding."""
    not_an_image = f"{name} is not a JPEG, PNG, GIF or WebP image."
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        found = _BOMB_PIXELS.search(str(exc))
        size = f"{int(found[1]) / 1e6:,.0f} megapixels" if found else "far too many pixels"
        raise _refusal(_too_many_pixels(f"{name} is {size}", max_pixels)) from None
    except Exception:
        # UnidentifiedImageError for most junk; truncated headers raise other types.
        raise _refusal(not_an_image) from None
    width, height = image.size
    if width < 1 or height < 1:
        raise _refusal(not_an_image)
    if width * height > max_pixels:
        raise _refusal(_too_many_pixels(f"{name} is {width}×{height} pixels", max_pixels))
    return image


def _too_many_pixels(what: str, max_pixels: int) -> str:
    limit = max_pixels / 1e6
    limit_words = f"{limit:.0f}" if limit == int(limit) else f"{limit:g}"
    return f"{what}; photos may be at most {limit_words} megapixels."


def _clean_pixels(image: Image.Image) -> Image.Image:
    """Decode the first frame small, turn it upright and return plain RGB with no metadata."""
    if image.format == "JPEG":
        # Let the JPEG decoder scale by 1/2, 1/4 or 1/8 while decoding: far less memory and
        # time. Ask for the size the picture will have, not the square box: draft() keeps
        # both sides at least that large, so a square request never shrinks a landscape.
        image.draft("RGB", _fitted(image.size, MAX_LONG_SIDE))
    image.load()  # GIF and WebP open on their first frame
    orientation = image.getexif().get(ExifTags.Base.Orientation, 1)
    # Shrink in the narrowest mode that keeps the picture (a 1-bit scan stays one byte a
    # pixel, not three) and only then rotate and flatten: the full-size frame is never copied.
    mode = _working_mode(image)
    working = image if image.mode == mode else image.convert(mode)
    if working is not image:
        image.close()  # free the decoded frame now rather than when the caller lets go
    working.thumbnail((MAX_LONG_SIDE, MAX_LONG_SIDE), Image.Resampling.LANCZOS)
    if orientation in _UPRIGHT:
        working = working.transpose(_UPRIGHT[orientation])
    rgb = _flatten(working)
    # convert() copies .info; the JPEG writer would carry e.g. a comment from it.
    rgb.info.clear()
    return rgb


def _fitted(size: tuple[int, int], long_side: int) -> tuple[int, int]:
    """The size of a picture scaled down (never up) so its longest side is long_side."""
    width, height = size
    scale = min(1.0, long_side / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


# EXIF orientation → the turn that shows the picture upright (as ImageOps.exif_transpose).
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_GREY_MODES = {"1", "L", "I", "I;16", "I;16B", "I;16L", "I;16N", "F"}


def _working_mode(image: Image.Image) -> str:
    """L, LA, RGB or RGBA: the smallest mode that resizes well and loses nothing visible."""
    transparent = "transparency" in image.info or image.mode in {"RGBA", "LA", "PA", "La", "RGBa"}
    grey = image.mode in _GREY_MODES or image.mode in {"LA", "La"}
    if grey:
        return "LA" if transparent else "L"
    return "RGBA" if transparent else "RGB"


def _flatten(image: Image.Image) -> Image.Image:
    """RGB with any transparency composited on white, as the photo would look on a page."""
    if "A" not in image.mode:
        return image.convert("RGB")
    rgba = image.convert("RGBA")
    background = Image.new("RGB", rgba.size, "white")
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background


def _jpeg(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality, optimize=True)
    return out.getvalue()
