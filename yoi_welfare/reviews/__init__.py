"""Placement reviews: LAC reviews on the statutory timetable, and placement review meetings."""
