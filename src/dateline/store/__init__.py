"""Filled by its stage."""
