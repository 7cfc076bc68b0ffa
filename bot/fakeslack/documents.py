"""The fake's files and canvases, mixed into FakeSlack: arranging, inspecting, and the bytes
that go to an upload URL or come from a file's address. Its lock guards every use."""

from __future__ import annotations

import copy
import threading

from bot.fakeslack import canvases, files
from bot.fakeslack.faults import FaultPlan
from bot.fakeslack.state import SlackState
from bot.fakeslack.wire import FakeCall, Json


class Documents:
    _cond: threading.Condition
    _faults: FaultPlan
    _state: SlackState
    _calls: list[FakeCall]
    _version: int

    @property
    def max_file_bytes(self) -> int:
        """The largest upload the workspace takes (its admins may set it below Slack's)."""
        return self._state.max_file_bytes

    @max_file_bytes.setter
    def max_file_bytes(self, value: int) -> None:
        with self._cond:
            self._state.max_file_bytes = value

    def add_canvas(self, channel: str, markdown: str) -> str:
        """A channel canvas made by a person; returns its id."""
        with self._cond:
            channel_id = self._state.resolve(channel)
            return canvases.place_canvas(self._state, channel_id, markdown)

    def delete_canvas(self, canvas_id: str) -> None:
        """A person deletes a canvas: its tab goes from the channel."""
        with self._cond:
            canvases.delete_canvas(self._state, canvas_id)
            self._version += 1

    def canvas_in(self, channel: str) -> Json | None:
        """The canvas tabbed in a channel (id, title, markdown), if it has one."""
        with self._cond:
            found = [c for c in self._state.canvases.values() if c["channel"] == channel]
            return copy.deepcopy(found[0]) if found else None

    def file_bytes(self, file_id: str) -> bytes | None:
        """What was uploaded for a file, once its bytes arrived."""
        with self._cond:
            return self._state.files.data.get(file_id)

    def raw(self, method: str, path: str, body: bytes) -> files.RawReply:
        """A file's address (GET), or an upload URL (POST): faults queued for the method
        `upload` apply to it, and each upload is recorded among the calls."""
        with self._cond:
            if method == "GET":
                return files.serve_file(self._state, path)
            fault = self._faults.take_fault(files.UPLOAD_METHOD)
            if fault is not None and fault.kind == "status" and not fault.applied:
                reply = files.RawReply(int(fault.value), b"upload failed")
            else:
                key = path.removeprefix(files.UPLOAD_PREFIX)
                reply = files.receive_upload(self._state, key, body)
            error = None if reply.status == 200 else reply.body.decode()
            label = fault.label if fault is not None else None
            call = FakeCall(files.UPLOAD_METHOD, {"bytes": len(body)}, {}, label, error)
            self._calls.append(call)
            self._version += 1
            self._cond.notify_all()
            return reply
