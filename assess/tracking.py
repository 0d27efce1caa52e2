"""Lock onto one subject among the poses found in each frame, and never jump to another.

Candidates are linked frame to frame into tracklets by the distance of their torso centre,
measured in torso lengths. The subject is the most prominent tracklet over the clip (the
largest body summed over the frames it is seen in) or the tracklet nearest a point the user
gives; later and earlier tracklets join it only where they do not overlap it in time and
start close to where it was last seen. Frames where the subject is not found become gaps.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from assess.candidates import CandidateFrames
from assess.landmarks import INDEX, LandmarkSeries

FloatArray = NDArray[np.float64]
_LARGEST = "the largest person in view, nearest the camera"
_TORSO = [INDEX[n] for n in ("left_shoulder", "right_shoulder", "left_hip", "right_hip")]


@dataclass(frozen=True, kw_only=True)
class TrackingReport:
    """What the tracker did: people seen, frames kept, and frames dropped as someone else."""

    max_people_seen: int
    subject_frames: int
    rejected_frames: int
    warnings: tuple[str, ...] = field(default=())
    point_px: tuple[float, float] | None = None


@dataclass
class _Tracklet:
    frames: list[int]
    slots: list[int]
    centres: list[FloatArray]
    sizes: list[float]


def _centre_and_size(image_px: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Torso centre (n, k, 2), torso length (n, k) and body box area (n, k)."""
    torso = image_px[:, :, _TORSO, :2]
    shoulders = torso[:, :, :2].mean(axis=2)
    hips = torso[:, :, 2:].mean(axis=2)
    centre = 0.5 * (shoulders + hips)
    length = np.linalg.norm(shoulders - hips, axis=-1)
    xy = image_px[:, :, :, :2]
    finite = np.isfinite(xy)
    present = np.asarray(finite[..., 0].any(axis=2))
    lo = np.min(np.where(finite, xy, np.inf), axis=2)
    hi = np.max(np.where(finite, xy, -np.inf), axis=2)
    lo[~present] = np.nan
    hi[~present] = np.nan
    area = np.prod(hi - lo, axis=-1)
    return centre, length, area


def _link(c: CandidateFrames, *, max_jump_torso: float, max_gap_s: float) -> list[_Tracklet]:
    centre, length, _ = _centre_and_size(c.image_px)
    present = c.present & np.isfinite(length) & (length > 0)
    active: list[_Tracklet] = []
    done: list[_Tracklet] = []
    for i in range(c.n_frames):
        t = c.time_s[i]
        still = []
        for tr in active:
            if t - c.time_s[tr.frames[-1]] <= max_gap_s:
                still.append(tr)
            else:
                done.append(tr)
        active = still
        slots = [int(s) for s in np.flatnonzero(present[i])]
        pairs = []
        for a, tr in enumerate(active):
            for s in slots:
                d = float(np.linalg.norm(centre[i, s] - tr.centres[-1])) / max(tr.sizes[-1], 1.0)
                if d <= max_jump_torso:
                    pairs.append((d, a, s))
        used_a: set[int] = set()
        used_s: set[int] = set()
        for _, a, s in sorted(pairs):
            if a in used_a or s in used_s:
                continue
            used_a.add(a)
            used_s.add(s)
            tr = active[a]
            tr.frames.append(i)
            tr.slots.append(s)
            tr.centres.append(centre[i, s])
            tr.sizes.append(float(length[i, s]))
        for s in slots:
            if s not in used_s:
                active.append(_Tracklet([i], [s], [centre[i, s]], [float(length[i, s])]))
    return done + active


def _grow(
    chain: list[_Tracklet], pool: list[_Tracklet], time_s: FloatArray, *, max_jump_torso: float
) -> None:
    """Extend a chain forward and backward with pool tracklets that continue it after a loss."""
    for direction in (1, -1):
        while True:
            end = chain[-1] if direction == 1 else chain[0]
            edge_frame = end.frames[-1] if direction == 1 else end.frames[0]
            edge_c = end.centres[-1] if direction == 1 else end.centres[0]
            size = max(float(np.median(end.sizes)), 1.0)
            best, best_d = None, np.inf
            for tr in pool:
                # The first frame of ``tr`` beyond the chain's end (tracklets may overlap it).
                beyond = [k for k, f in enumerate(tr.frames) if (f - edge_frame) * direction > 0]
                if not beyond:
                    continue
                k0 = beyond[0] if direction == 1 else beyond[-1]
                f0 = tr.frames[k0]
                gap_s = abs(float(time_s[f0] - time_s[edge_frame]))
                c0 = tr.centres[k0]
                # A person walks about 3 torso lengths a second; allow that across the gap.
                d = float(np.linalg.norm(c0 - edge_c)) / size
                if d <= max_jump_torso + 3.0 * gap_s and d < best_d:
                    best, best_d = tr, d
            if best is None:
                break
            pool.remove(best)
            if direction == 1:
                chain.append(best)
            else:
                chain.insert(0, best)


def select_subject(
    candidates: CandidateFrames,
    /,
    *,
    point_px: tuple[float, float] | None = None,
    max_jump_torso: float = 0.6,
    max_gap_s: float = 0.5,
) -> tuple[LandmarkSeries, TrackingReport]:
    """Choose one subject and return their landmark series.

    Parameters
    ----------
    candidates : CandidateFrames
        Every pose found in every frame.
    point_px : (float, float), optional
        Pick the person whose torso passes nearest this image point instead of the most
        prominent person.
    max_jump_torso : float
        Largest torso-centre move between consecutive detections of one person, in torso
        lengths, within the gap allowance.
    max_gap_s : float
        Longest time a person may be lost before a detection counts as a new tracklet.

    Returns
    -------
    LandmarkSeries, TrackingReport
        The subject's landmarks (NaN where not found) and what the tracker did.
    """
    n = candidates.n_frames
    tracklets = _link(candidates, max_jump_torso=max_jump_torso, max_gap_s=max_gap_s)
    people = int(candidates.present.sum(axis=1).max()) if n else 0
    image = np.full((n, candidates.image_px.shape[2], 3), np.nan)
    world = np.full_like(image, np.nan)
    vis = np.zeros((n, candidates.image_px.shape[2]))
    if not tracklets:
        series = LandmarkSeries(
            time_s=candidates.time_s,
            image_px=image,
            world_m=world,
            visibility=vis,
            frame_size_px=candidates.frame_size_px,
        )
        return series, TrackingReport(max_people_seen=0, subject_frames=0, rejected_frames=0)

    _, length, _ = _centre_and_size(candidates.image_px)
    img = candidates.image_px
    hips = img[:, :, [INDEX["left_hip"], INDEX["right_hip"]], :2].mean(axis=2)
    ankles = img[:, :, [INDEX["left_ankle"], INDEX["right_ankle"]], :2].mean(axis=2)
    body = length + np.linalg.norm(hips - ankles, axis=-1)

    def frames_of(chain: list[_Tracklet]) -> list[tuple[int, int]]:
        return [(f, s) for tr in chain for f, s in zip(tr.frames, tr.slots, strict=True)]

    def prominence(tr: _Tracklet) -> float:
        return float(np.nansum([length[f, s] for f, s in zip(tr.frames, tr.slots, strict=True)]))

    def seen_s(chain: list[_Tracklet]) -> float:
        return float(len({f for f, _ in frames_of(chain)})) / max(candidates.n_frames, 1) * duration_s

    def scale(chain: list[_Tracklet]) -> float:
        return float(np.nanmedian([body[f, s] for f, s in frames_of(chain)]))

    duration_s = float(candidates.time_s[-1] - candidates.time_s[0]) if n > 1 else 0.0
    ranked = sorted(tracklets, key=prominence, reverse=True)
    chains: list[list[_Tracklet]] = []
    while ranked:
        chain = [ranked.pop(0)]
        _grow(chain, ranked, candidates.time_s, max_jump_torso=max_jump_torso)
        chains.append(sorted(chain, key=lambda tr: tr.frames[0]))
    if point_px is None:
        # The patient is the largest body (nearest the camera) among the people seen for a
        # meaningful time: at least 1 s and a quarter of the time the longest-seen person was.
        longest = max(seen_s(ch) for ch in chains)
        eligible = [ch for ch in chains if seen_s(ch) >= min(1.0, longest) and seen_s(ch) >= 0.25 * longest]
        chosen = max(eligible, key=scale)
    else:
        p = np.asarray(point_px, dtype=float)

        def reach(ch: list[_Tracklet]) -> float:
            return min(
                float(np.min(np.linalg.norm(np.asarray(tr.centres) - p, axis=1)))
                / max(float(np.median(tr.sizes)), 1.0)
                for tr in ch
            )

        chosen = min(chains, key=reach)
    taken = np.zeros(n, dtype=bool)
    for tr in chosen:
        for f, s in zip(tr.frames, tr.slots, strict=True):
            if taken[f]:
                continue
            taken[f] = True
            image[f] = candidates.image_px[f, s]
            world[f] = candidates.world_m[f, s]
            vis[f] = candidates.visibility[f, s]
    present_any = candidates.present.any(axis=1)
    rejected = int((present_any & ~taken).sum())
    warnings: list[str] = []
    if people > 1:
        warnings.append(
            f"{people} people were in view; the analysis follows one subject "
            f"({'the person nearest the given point' if point_px else _LARGEST})"
        )
    series = LandmarkSeries(
        time_s=candidates.time_s,
        image_px=image,
        world_m=world,
        visibility=vis,
        frame_size_px=candidates.frame_size_px,
    )
    report = TrackingReport(
        max_people_seen=people,
        subject_frames=int(taken.sum()),
        rejected_frames=rejected,
        warnings=tuple(warnings),
        point_px=point_px,
    )
    return series, report


class OnlineTracker:
    """Causal subject lock for live video: each frame is decided as it arrives.

    The first person seen with the largest body becomes the subject; afterwards only a pose
    whose torso centre lies within reach of the last position is accepted (``max_jump_torso``
    torso lengths plus about 3 torso lengths per second of loss), so the tracker never jumps
    to someone else; frames without such a pose are gaps.
    """

    def __init__(self, *, max_jump_torso: float = 0.6) -> None:
        self.max_jump_torso = max_jump_torso
        self._last_centre: FloatArray | None = None
        self._last_size = 0.0
        self._last_time = 0.0

    def choose(self, time_s: float, image_px: FloatArray) -> int | None:
        """Index of the subject among the poses of one frame (shape (k, 33, 3)), or None."""
        if image_px.shape[0] == 0:
            return None
        centre, length, area = _centre_and_size(image_px[None])
        centre, length, area = centre[0], length[0], area[0]
        ok = np.isfinite(length) & (length > 0)
        if not ok.any():
            return None
        if self._last_centre is None:
            best = int(np.nanargmax(np.where(ok, area, -np.inf)))
        else:
            reach = self.max_jump_torso + 3.0 * max(time_s - self._last_time, 0.0)
            dist = np.linalg.norm(centre - self._last_centre, axis=1) / max(self._last_size, 1.0)
            dist = np.where(ok, dist, np.inf)
            best = int(np.argmin(dist))
            if dist[best] > reach:
                return None
        self._last_centre = centre[best]
        self._last_size = float(length[best])
        self._last_time = time_s
        return best
