"""Custody welfare notes: what establishment staff record about a child, day by day."""
