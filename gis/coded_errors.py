"""Errors of the core that people see: an English text for the logs, and a catalogue `code` (msgctxt
"message") with its `values` that the web surfaces say in the reader's language (api.messages.described)."""

from __future__ import annotations


class CodedError(Exception):
    def __init__(self, message: str, code: str = "", **values) -> None:
        super().__init__(message)
        self.code, self.values = code, values
