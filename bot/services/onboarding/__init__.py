"""Joining: invite codes, redeeming them, and who the bot may write to."""
