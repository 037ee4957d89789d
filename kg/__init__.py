"""scs-kg: a knowledge graph of South China Sea diplomacy, every fact traced to its quote."""

__version__ = "0.1.0"
