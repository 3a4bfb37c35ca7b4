"""welfare screenings"""
