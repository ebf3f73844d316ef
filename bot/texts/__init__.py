"""Every text the bot sends, in Russian, one module per feature."""
