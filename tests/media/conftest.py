"""Photos are stored in a fresh folder per test, with a file beside it traversal must not reach."""

from __future__ import annotations

import pytest


@pytest.fixture
def media_root(settings, tmp_path):
    """Point the default storage at tmp_path/media; tmp_path/secret.txt lies just outside it."""
    root = tmp_path / "media"
    root.mkdir()
    (tmp_path / "secret.txt").write_text("not for the public")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "base_url": "/media/"},
        },
    }
    settings.MEDIA_ROOT = str(root)
    return root
