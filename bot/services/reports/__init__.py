"""What officials and heads read: /status, /missing, /rating, /my, charts, exports, the summary."""
