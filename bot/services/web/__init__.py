"""The officials' dashboard (bot/web): sign-in by a one-time link, and the pages' data,
scoped by the permission table exactly as the chat's reports are."""
