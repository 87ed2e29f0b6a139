"""Taking a city's history in: its open-data file or an Open311 harvest, row by row.

Each reader turns one line of its format into an `ImportedRequest` (or says why it
cannot); `upsert` writes them in batches keyed on the city's own number, so the same
file twice changes nothing and a newer file changes only what changed.
"""
