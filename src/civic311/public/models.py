"""Models of civic311.public."""
