"""Models of civic311.media."""
