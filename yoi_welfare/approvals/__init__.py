"""A second person approves a decision where a mistake costs most."""
