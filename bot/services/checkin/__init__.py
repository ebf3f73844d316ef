"""The weekly check-in and one-off requests answered in a private chat."""
