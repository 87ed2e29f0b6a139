"""Models of civic311.exports."""
