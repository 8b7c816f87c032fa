"""The idea board: what customers ask for, ranked by the customers and value behind it."""
