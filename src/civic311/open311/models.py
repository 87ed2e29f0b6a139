"""Models of civic311.open311."""
