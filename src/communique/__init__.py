"""communique: structured statements to print-ready PDF and web HTML."""

__version__ = "0.1.0"
