"""Welfare actions: every deadline is an action with an owner agency, made by a timescale rule."""
