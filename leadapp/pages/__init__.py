"""Pages. Each module has `register(app)`, which adds its route(s)."""
