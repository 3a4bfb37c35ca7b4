"""Self-harm flags, modelled on ACCT: opened, reviewed, closed, ended by a post-closure review."""
