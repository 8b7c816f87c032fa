"""Domain-free helpers: nothing here imports a domain package."""
