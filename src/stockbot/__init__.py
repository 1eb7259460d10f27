"""stockbot: chat-native inventory control."""

__version__ = "0.1.0"
