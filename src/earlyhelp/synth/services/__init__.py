"""The council's service systems: each observes the world and records events in its own way."""
