"""One-off requests: created by an official, answered in the check-in, summed up at the deadline."""
