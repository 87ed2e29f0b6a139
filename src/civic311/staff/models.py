"""The back office stores nothing of its own: status checks live in `status_checks`."""
