"""The seeded multilingual demo workspace behind `centricity demo`."""
