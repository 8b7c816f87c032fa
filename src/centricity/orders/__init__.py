"""Products, categories, orders and order lines."""
