"""Models of civic311.staff."""
