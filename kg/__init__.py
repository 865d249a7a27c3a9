"""kg: conflict knowledge graphs from English news text."""
__version__ = "0.1.0"
