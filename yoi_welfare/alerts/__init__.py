"""Standing alerts: what everyone who sees a child must know at once, on every page about them."""
