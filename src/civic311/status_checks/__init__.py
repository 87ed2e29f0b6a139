"""Status checks: every "where is my request?" answered, counted by channel and day."""
