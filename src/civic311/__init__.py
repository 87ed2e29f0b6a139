"""civic311: an open-source 311 system built on Open311 GeoReport v2."""

__version__ = "0.1.0"
