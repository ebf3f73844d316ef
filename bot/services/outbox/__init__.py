"""What the scheduler sends: outbox rows planned once, e-mail."""
