"""geotimeline: a sourced event table feeding a linked timeline and world map."""

__version__ = "0.1.0"
