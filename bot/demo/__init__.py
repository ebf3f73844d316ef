"""`svodka demo`: a whole reporting week of the real bot against the in-process emulator."""
