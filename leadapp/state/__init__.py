"""Thin Reflex states, one per page or feature; they call leadapp.services."""
