"""Domain logic: plain functions taking a DB session and the acting user. No Reflex here."""
