"""Models of civic311.notifications."""
