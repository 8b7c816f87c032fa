"""Text analytics of customers' own words: pure, no database or web imports."""
