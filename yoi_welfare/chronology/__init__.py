"""The chronology: one timeline, newest first, of everything every agency recorded about a child.

Each feature contributes entries through a provider in its own package (`<feature>/chronology.py`:
a function from the child to its entries). The timeline is what inquiries keep asking for: the
YOT, the establishment and the ACPC looking at the same sequence of events.
"""
