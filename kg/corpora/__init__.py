"""Readers that map public annotated corpora (and kg's own gold) to kg relation pairs."""
