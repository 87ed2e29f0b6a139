"""A request's attribute answers in words: the question asked and the label of what was chosen.

Staff read "Where is the pothole located? Crosswalk", not "WHEREIST CROSS".
"""

from __future__ import annotations

from collections.abc import Mapping

from civic311.catalog.models import ServiceAttribute


def answers_in_words(service_id: int, answers: Mapping[str, object]) -> list[tuple[str, str]]:
    """(question, answer) pairs in the service's question order; unknown codes stay as codes."""
    attributes = list(
        ServiceAttribute.objects.filter(service_id=service_id)
        .prefetch_related("values")
        .order_by("order")
    )
    words: list[tuple[str, str]] = []
    for attribute in attributes:
        if attribute.code not in answers:
            continue
        labels = {value.key: value.name for value in attribute.values.all()}
        chosen = answers[attribute.code]
        keys = chosen if isinstance(chosen, list) else [chosen]
        words.append((attribute.description, ", ".join(labels.get(str(k), str(k)) for k in keys)))
    known = {attribute.code for attribute in attributes}
    words += [(code, str(value)) for code, value in answers.items() if code not in known]
    return words
