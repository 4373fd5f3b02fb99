"""Presentation components."""
