"""The browser's webcam through WebRTC (streamlit-webrtc): the live self-check and clip recording.

Kept apart from the other pages: a page holding ``webrtc_streamer`` cannot run under AppTest.
No ICE server is configured, so the browser and this machine connect directly and nothing is
sent anywhere else; the page is served on 127.0.0.1 only.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Final

import numpy as np
import streamlit as st

from assess.app import state
from assess.app.overlay import draw
from assess.coach import CoachState, CoachSummary

#: No STUN/TURN server: the connection stays between this browser and this machine.
RTC_CONFIGURATION: Final[dict[str, list[dict[str, str]]]] = {"iceServers": []}
VIDEO_CONSTRAINTS: Final[dict[str, object]] = {"video": {"width": 640, "height": 480}, "audio": False}
REFRESH_S: Final = 0.25
MS: Final = Fraction(1, 1000)


@dataclass
class LiveHolder:
    """What the frame callback (another thread) shares with the page."""

    movement: str
    backend: Any
    lock: threading.Lock = field(default_factory=threading.Lock)
    session: Any = None
    latest: CoachState | None = None
    frames: int = 0
    first_t: float | None = None
    last_t: float | None = None
    summary: CoachSummary | None = None

    def on_frame(self, frame: Any) -> Any:
        """One camera frame in, the frame with the skeleton and the count out."""
        import av

        rgb = frame.to_ndarray(format="rgb24")
        t = float(frame.time) if frame.time is not None else time.monotonic()
        with self.lock:
            if self.session is None:  # a new start: a fresh count
                self.session = self.backend.live_session(self.movement)
                self.frames, self.first_t, self.summary = 0, None, None
            pose, latest = self.session.push(t, rgb)
            self.latest = latest
            self.frames += 1
            self.first_t = t if self.first_t is None else self.first_t
            self.last_t = t
        return av.VideoFrame.from_ndarray(draw(rgb, pose, latest), format="rgb24")

    def finish(self) -> None:
        """Keep the summary and release the pose model."""
        with self.lock:
            if self.session is not None:
                self.summary = self.session.coach.summary()
                self.session.close()
                self.session = None


def status_text(h: LiveHolder) -> str:
    """The live line under the video: repetitions, angle, time, what to do."""
    s = h.latest
    if s is None:
        return "Waiting for the camera..."
    elapsed = 0.0 if h.first_t is None or h.last_t is None else h.last_t - h.first_t
    angle = "--" if s.angle_deg is None else f"{round(s.angle_deg):+d} deg"
    todo = " ".join(s.cues) if s.cues else ("Go ahead." if s.phase == "measuring" else "")
    sides = ", ".join(f"{k} {v}" for k, v in sorted(s.repetitions_by_side.items()))
    return (
        f"**Repetitions: {s.repetitions}**" + (f" ({sides})" if sides else "")
        + f" | angle {angle} | {elapsed:.1f} s of video, {h.frames} frames | {todo}"
    )  # fmt: skip


def live_check(movement: str) -> CoachSummary | None:
    """The live self-check; the summary once the patient has pressed Stop."""
    from streamlit_webrtc import WebRtcMode, webrtc_streamer

    key = f"live_holder_{movement}"
    holder: LiveHolder | None = st.session_state.get(key)
    if holder is None:
        holder = LiveHolder(movement=movement, backend=state.backend())
        st.session_state[key] = holder
    video_col, text_col = st.columns([3, 2])
    with video_col:
        ctx = webrtc_streamer(
            key=f"selfcheck_live_{movement}",
            mode=WebRtcMode.SENDRECV,
            rtc_configuration=RTC_CONFIGURATION,
            media_stream_constraints=VIDEO_CONSTRAINTS,
            video_frame_callback=holder.on_frame,
            async_processing=True,
        )
    line = text_col.empty()
    checks = text_col.empty()
    while ctx.state.playing:
        line.markdown(status_text(holder))
        latest = holder.latest
        if latest is not None:
            checks.caption(
                " | ".join(f"{'OK' if c.ok else 'to do'}: {c.name.replace('_', ' ')}" for c in latest.checks)
            )
        time.sleep(REFRESH_S)
    holder.finish()
    if holder.summary is not None:
        line.markdown(status_text(holder))
    return holder.summary


@dataclass
class ClipRecorder:
    """Writes the camera's frames to an H.264 mp4 with their own timestamps (variable frame rate).

    The frame callback runs in another thread; :meth:`close` (from the page, once the camera has
    stopped) finishes the file. Browsers and the analysis read it; times are kept to the millisecond.
    """

    path: Path
    lock: threading.Lock = field(default_factory=threading.Lock)
    container: Any = None
    stream: Any = None
    t0: float = 0.0
    last_pts: int = -1
    frames: int = 0
    closed: bool = False

    def on_frame(self, frame: Any) -> Any:
        """Write one frame; return it unchanged (the patient sees themselves)."""
        import av

        t = float(frame.time) if frame.time is not None else time.monotonic()
        with self.lock:
            if self.closed:
                return frame
            img = frame.to_ndarray(format="rgb24")
            h, w = (img.shape[0] // 2) * 2, (img.shape[1] // 2) * 2
            if self.container is None:
                self.container = av.open(str(self.path), "w")
                self.stream = self.container.add_stream("libx264", rate=30)
                self.stream.width, self.stream.height, self.stream.pix_fmt = w, h, "yuv420p"
                self.stream.time_base = MS
                self.stream.codec_context.time_base = MS
                self.stream.options = {"preset": "ultrafast"}
                self.t0 = t
            pts = max(round((t - self.t0) * 1000.0), self.last_pts + 1)
            out = av.VideoFrame.from_ndarray(np.ascontiguousarray(img[:h, :w]), format="rgb24")
            out.pts, out.time_base = pts, MS
            for packet in self.stream.encode(out):
                self.container.mux(packet)
            self.last_pts = pts
            self.frames += 1
        return frame

    def close(self) -> bool:
        """Finish the file; True when it holds at least two frames."""
        with self.lock:
            if self.closed:
                return self.frames >= 2
            self.closed = True
            if self.container is not None:
                for packet in self.stream.encode():
                    self.container.mux(packet)
                self.container.close()
            return self.frames >= 2


def record_clip(folder: Path) -> Path | None:
    """Record a clip in the browser; the file once recording has stopped."""
    from streamlit_webrtc import WebRtcMode, webrtc_streamer

    recorder: ClipRecorder | None = st.session_state.get("clip_recorder")
    if recorder is None or recorder.closed:
        recorder = ClipRecorder(path=folder / f"webcam-{int(time.time())}.mp4")
        st.session_state["clip_recorder"] = recorder
    ctx = webrtc_streamer(
        key="record_clip",
        mode=WebRtcMode.SENDRECV,
        rtc_configuration=RTC_CONFIGURATION,
        media_stream_constraints=VIDEO_CONSTRAINTS,
        video_frame_callback=recorder.on_frame,
    )
    if not ctx.state.playing and recorder.frames > 0:
        ok = recorder.close()
        del st.session_state["clip_recorder"]
        if not ok:
            st.error("The recording holds fewer than two frames; record it again.")
            return None
        return recorder.path
    st.caption("Press Start, do the movement, then Stop: the recording joins the visit's clips.")
    return None
