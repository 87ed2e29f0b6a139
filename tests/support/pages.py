"""What a reader sees of a page the test client fetched."""

from __future__ import annotations

import html as entities
import re


def visible_text(response) -> str:
    """The page's visible text: scripts, styles and tags dropped, entities read, spaces folded."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return entities.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))
