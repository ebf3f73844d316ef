"""VK API error codes and messages the emulator produces."""

from __future__ import annotations

# Texts as VK sends them (error_msg); a code missing here gets a generic text.
MESSAGES: dict[int, str] = {
    1: "Unknown error occurred",
    3: "Unknown method passed",
    5: "User authorization failed: invalid access_token (4).",
    6: "Too many requests per second",
    7: "Permission to perform this action is denied",
    9: "Flood control",
    10: "Internal server error",
    12: "Unable to compile code",
    13: "Runtime error occurred during code invocation",
    15: "Access denied",
    100: "One of the parameters specified was missing or invalid",
    113: "Invalid user id",
    121: "Invalid hash",
    901: "Can't send messages for users without permission",
    909: "Can't edit this message, because it's too old",
    911: "Keyboard format is invalid",
    914: "Message is too long",
    917: "You don't have access to this chat",
}


class VKError(Exception):
    """Raised by method handlers; becomes `{"error": {...}}` in the response."""

    def __init__(self, code: int, detail: str | None = None) -> None:
        base = MESSAGES.get(code, f"Error {code}")
        self.code = code
        self.msg = f"{base}: {detail}" if detail else base
        super().__init__(self.msg)
