"""Web pages served by the bot's own aiohttp: the officials' read-only dashboard (`/web/`,
`svodka run` and `svodka sandbox` with WEB_ENABLED) and the sandbox's playground (`/`, only
`svodka sandbox`). Rendered on the server with Jinja2 (every value escaped), no outside
sources, no inline scripts."""
