"""process_photo: only real photos get through, and they come out clean, upright and small."""

from __future__ import annotations

import io
import os
import resource

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from civic311.core.errors import ValidationFailed
from civic311.media.processing import MB, ProcessedPhoto, process_photo
from tests.media import images

LIMITS = {"max_bytes": 10 * MB, "max_pixels": 40_000_000}


def process(data, filename="photo.jpg", **limits):
    return process_photo(data, filename=filename, **{**LIMITS, **limits})


def refusal(data, filename="photo.jpg", **limits) -> str:
    with pytest.raises(ValidationFailed) as caught:
        process(data, filename, **limits)
    assert list(caught.value.errors) == ["media"]
    return caught.value.errors["media"]


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_a_phone_photo_loses_gps_exif_icc_and_comment_and_is_turned_upright():
    result = process(images.phone_jpeg())
    assert isinstance(result, ProcessedPhoto) and result.content_type == "image/jpeg"
    image = opened(result.image)
    assert image.format == "JPEG" and image.mode == "RGB"
    # Stored 400×200 sideways; Orientation 6 means it is really 200 wide and 400 tall.
    assert image.size == (200, 400) == (result.width, result.height)
    assert len(image.getexif()) == 0
    assert not {"exif", "icc_profile", "comment", "xmp"} & set(image.info)
    for marker in (b"Exif", b"PhoneMaker", b"taken at home", b"not really a profile"):
        assert marker not in result.image and marker not in result.thumbnail
    # Turned clockwise: the left (red) half of the stored pixels is now on top.
    top, bottom = image.getpixel((100, 50)), image.getpixel((100, 350))
    assert top[0] > 180 and top[2] < 80
    assert bottom[2] > 180 and bottom[0] < 80


def test_the_thumbnail_is_a_jpeg_whose_longest_side_is_320():
    result = process(images.encode(images.left_red_right_blue(1000, 600), "PNG"), "wide.png")
    thumbnail = opened(result.thumbnail)
    assert thumbnail.format == "JPEG" and thumbnail.size == (320, 192)
    assert (result.width, result.height) == (1000, 600)


def test_very_large_photos_are_scaled_down_to_2560_on_the_long_side():
    result = process(images.jpeg(size=(3000, 4000)))
    assert (result.width, result.height) == (1920, 2560)
    assert opened(result.image).size == (1920, 2560)


def test_a_png_with_transparency_is_flattened_on_white():
    image = Image.new("RGBA", (40, 40), (0, 0, 0, 0))
    image.paste((200, 0, 0, 255), (20, 0, 40, 40))
    result = process(images.encode(image, "PNG"), "sign.png")
    out = opened(result.image)
    assert all(channel > 240 for channel in out.getpixel((5, 20)))
    red = out.getpixel((35, 20))
    assert red[0] > 180 and red[1] < 40


def test_a_gif_keeps_its_first_frame():
    frames = [Image.new("P", (30, 30), 0), Image.new("P", (30, 30), 1)]
    for frame in frames:
        frame.putpalette([*images.RED, *images.GREEN] + [0, 0, 0] * 254)
    data = images.encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)
    pixel = opened(process(data, "anim.gif").image).getpixel((15, 15))
    assert pixel[0] > 180 and pixel[1] < 60


def test_webp_is_accepted():
    data = images.encode(Image.new("RGBA", (50, 30), (*images.GREEN, 255)), "WEBP")
    result = process(data, "leaf.webp")
    assert (result.width, result.height) == (50, 30)
    assert opened(result.image).getpixel((25, 15))[1] > 150


def test_a_grayscale_16_bit_png_is_accepted():
    data = images.encode(Image.new("I;16", (20, 10), 40000), "PNG")
    assert process(data, "scan.png").width == 20


def test_a_50_megabyte_upload_is_refused_for_its_size():
    header = images.jpeg()[:20]
    huge = header + bytes(50 * MB - len(header))
    expected = "photo.jpg is 50.0 MB; photos may be at most 10 MB."
    assert refusal(huge) == expected
    assert refusal(io.BytesIO(huge)) == expected


def test_an_unsized_stream_is_read_only_up_to_the_limit():
    class Pipe(io.RawIOBase):
        """A never-ending upload that cannot seek, counting what was read."""

        read_so_far = 0

        def readable(self):
            return True

        def readinto(self, buffer):
            buffer[:] = bytes(len(buffer))
            self.read_so_far += len(buffer)
            return len(buffer)

    pipe = Pipe()
    assert refusal(pipe, max_bytes=MB) == "photo.jpg is more than 1 MB; photos may be at most 1 MB."
    assert pipe.read_so_far <= MB + 1


def test_a_text_file_named_jpg_is_refused():
    notes = b"Pothole at the corner of Clark and Addison, about a foot wide.\n" * 10
    assert refusal(notes, "notes.jpg") == "notes.jpg is not a JPEG, PNG, GIF or WebP image."


def test_real_images_of_other_formats_are_refused():
    bmp = images.encode(Image.new("RGB", (10, 10)), "BMP")
    assert refusal(bmp, "C:\\Users\\ana\\photo.bmp") == (
        "photo.bmp is not a JPEG, PNG, GIF or WebP image."
    )
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    assert "is not a JPEG" in refusal(svg, "x.svg")


def test_an_empty_file_and_a_truncated_jpeg_are_refused():
    assert refusal(b"", "empty.jpg") == "empty.jpg is empty."
    photo = images.jpeg(size=(300, 300))
    sentence = refusal(photo[: len(photo) // 2], "cut.jpg")
    assert sentence == "cut.jpg is damaged or incomplete and could not be read as an image."


@pytest.mark.parametrize(
    ("width", "height", "sentence"),
    [
        # Over our limit, under Pillow's own bomb threshold.
        (7000, 7000, "bomb.png is 7000×7000 pixels; photos may be at most 40 megapixels."),
        # Over Pillow's warning threshold (89 Mpx): the warning is a refusal too.
        (10000, 10000, "bomb.png is 100 megapixels; photos may be at most 40 megapixels."),
        # Far over: Pillow raises DecompressionBombError before we even see the size.
        (50000, 50000, "bomb.png is 2,500 megapixels; photos may be at most 40 megapixels."),
    ],
)
def test_decompression_bombs_are_refused_before_decoding(width, height, sentence):
    bomb = images.png_declaring(width, height)
    assert len(bomb) < 100
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert refusal(bomb, "bomb.png") == sentence
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kb < 50_000  # decoding even the smallest of these would take ~49 MB or more


def test_the_pixel_limit_is_configurable():
    data = images.jpeg(size=(1200, 1000))
    assert "1200×1000 pixels; photos may be at most 1 megapixels" in refusal(data, max_pixels=10**6)
    assert process(data, max_pixels=1_200_000).width == 1200


SIGNATURES = [
    b"",
    b"\xff\xd8\xff",
    b"\x89PNG\r\n\x1a\n",
    b"GIF89a",
    b"RIFF\x00\x00\x00\x00WEBPVP8 ",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prefix=st.sampled_from(SIGNATURES), body=st.binary(max_size=600))
def test_random_bytes_are_either_a_photo_or_a_sentence(prefix, body):
    try:
        result = process(prefix + body, "random.jpg", max_bytes=4096)
    except ValidationFailed as refused:
        assert refused.errors["media"].startswith("random.jpg ")
    else:
        assert opened(result.image).format == "JPEG"


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_corrupted_real_photos_are_either_a_photo_or_a_sentence(data):
    original = bytearray(
        data.draw(
            st.sampled_from(
                [
                    images.jpeg(size=(40, 30)),
                    images.encode(Image.new("RGBA", (40, 30), (1, 2, 3, 100)), "PNG"),
                    images.encode(Image.new("P", (40, 30)), "GIF"),
                    images.encode(Image.new("RGB", (40, 30)), "WEBP"),
                ]
            )
        )
    )
    for _ in range(data.draw(st.integers(1, 8))):
        original[data.draw(st.integers(0, len(original) - 1))] = data.draw(st.integers(0, 255))
    try:
        process(bytes(original), "damaged.png")
    except ValidationFailed as refused:
        assert refused.errors["media"].startswith("damaged.png ")


def peak_growth_mb(work) -> float:
    """How far one call of work() raises a fresh process's peak memory, in MB (a forked child)."""
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:  # the child inherits today's memory as its peak, not the suite's
        os.close(reader)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        work()
        grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
        os.write(writer, str(grown / 1024).encode())
        os._exit(0)
    os.close(writer)
    with os.fdopen(reader) as answer:
        grown_mb = float(answer.read() or "nan")
    os.waitpid(child, 0)
    return grown_mb


def test_a_cheap_one_bit_png_is_shrunk_in_its_own_mode_not_as_full_size_colour():
    # Issue 13: a 5 KB 1-bit 6300×6300 PNG went through a full-size RGB copy (119 MB) and
    # rotations of it before shrinking; it is now shrunk as greyscale first.
    bomb = images.one_bit_png(6300)
    assert len(bomb) < 6000
    grown = peak_growth_mb(lambda: process(bomb, "cheap.png"))
    assert grown < 120, f"processing took {grown:.0f} MB more (was 194 MB, now 78 MB)"


def test_a_large_jpeg_is_decoded_already_scaled_down():
    # draft() with the fitted size lets libjpeg decode a 6000×4000 photo at 3000×2000.
    photo = images.jpeg(size=(6000, 4000), quality=90)
    grown = peak_growth_mb(lambda: process(photo, "big.jpg"))
    assert grown < 100, f"processing took {grown:.0f} MB more (was 216 MB, now 61 MB)"
    processed = process(photo)
    assert (processed.width, processed.height) == (2560, 1707)
