"""Lock onto one subject among the poses found in each frame, and never jump to another.

Candidates are linked frame to frame into tracklets by the distance of their torso centre,
measured in torso lengths, and by the change of their torso length. Where every tracklet ends
and new ones begin at once, the picture jumped: a camera cut (or the model re-locking). The
clip is cut there into pieces; within a piece, tracklets are chained across short losses; across
cuts, people are found again (one person on both sides of a cut is the same person; with
several, by body proportions that do not change with zoom and by their order in the picture).
The subject is the person with the largest body in the shots that show it whole, among the
people seen long enough, or the person nearest a point the user gives. Shots where the subject's
legs are out of view (close-ups) are left out when whole-body shots exist. Frames where the
subject is not found become gaps.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from assess.candidates import CandidateFrames
from assess.landmarks import INDEX, LEG_TO_TORSO_RANGE, LandmarkSeries

FloatArray = NDArray[np.float64]
_LARGEST = "the largest person in view, nearest the camera"
_TORSO = [INDEX[n] for n in ("left_shoulder", "right_shoulder", "left_hip", "right_hip")]

#: Largest change of torso length between consecutive detections of one person (fraction);
#: a person's torso changes by a few per cent a frame, a cut to a close-up by far more.
MAX_SCALE_STEP = 0.25
#: Cuts closer together than this are one cut (the model takes a few frames to re-lock).
MIN_SHOT_S = 1.0
#: Hip-to-ankle over hip-to-shoulder length of an adult (0.491 H / 0.288 H, Drillis & Contini);
#: legs outside this band relative to the torso are the model's guesses (e.g. in a close-up).
#: A chain of detections shows the whole body when at least this share of its frames does
#: (both ankles inside the picture, plausibly long legs).
MIN_WHOLE_BODY_SHARE = 0.5
#: People are compared across a cut by world-landmark segment lengths over the torso length
#: (zoom does not change them); a mean absolute log ratio above this is someone else.
MAX_PROPORTION_COST = 0.15
#: Added per pair of people whose left-to-right order in the picture swapped across a cut: a
#: tie-breaker, smaller than a real difference of proportions.
ORDER_SWAP_COST = 0.03
#: Seen for at least this long (and a quarter of the longest-seen person's time) to be a subject.
MIN_SEEN_S = 1.0
MIN_SEEN_SHARE = 0.25
_SEGMENTS = [
    ("left_shoulder", "right_shoulder"),
    ("left_shoulder", "left_elbow"),
    ("right_shoulder", "right_elbow"),
    ("left_elbow", "left_wrist"),
    ("right_elbow", "right_wrist"),
    ("left_ear", "right_ear"),
    ("left_hip", "right_hip"),
]


@dataclass(frozen=True, kw_only=True)
class TrackingReport:
    """What the tracker did: people seen, frames kept, frames dropped, cuts and whole-body shots.

    Parameters
    ----------
    max_people_seen : int
        Most poses found in one frame.
    subject_frames : int
        Frames where the subject was found and kept.
    rejected_frames : int
        Frames that showed only someone else (left out as gaps).
    warnings : tuple of str
        Quality warnings for the user.
    point_px : (float, float) or None
        The point the subject was chosen by, if any.
    cut_times_s : tuple of float
        Times of the camera cuts found (every person's track broke at once).
    whole_body_ranges_s : tuple of (float, float)
        Start and end times of the stretches where the subject is kept with the whole body in view.
    close_up_frames : int
        Frames where the subject was seen with the legs out of view and left out, because the
        clip also shows them whole.
    """

    max_people_seen: int
    subject_frames: int
    rejected_frames: int
    warnings: tuple[str, ...] = field(default=())
    point_px: tuple[float, float] | None = None
    cut_times_s: tuple[float, ...] = ()
    whole_body_ranges_s: tuple[tuple[float, float], ...] = ()
    close_up_frames: int = 0

    @property
    def n_cuts(self) -> int:
        """Number of camera cuts found."""
        return len(self.cut_times_s)


@dataclass
class _Tracklet:
    frames: list[int]
    slots: list[int]
    centres: list[FloatArray]
    sizes: list[float]


@dataclass
class _Chain:
    """Tracklets of one person within one piece of the clip (between two cuts)."""

    piece: int
    tracklets: list[_Tracklet]

    def pairs(self) -> list[tuple[int, int]]:
        return [(f, s) for tr in self.tracklets for f, s in zip(tr.frames, tr.slots, strict=True)]


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


def _mid(a: FloatArray, name: str) -> FloatArray:
    return np.asarray(0.5 * (a[:, :, INDEX[f"left_{name}"], :] + a[:, :, INDEX[f"right_{name}"], :]))


def whole_body(candidates: CandidateFrames, /) -> NDArray[np.bool_]:
    """(n, k) candidates shown with the whole body: both ankles in the picture, plausible legs."""
    img = candidates.image_px
    width, height = candidates.frame_size_px
    ankles = img[:, :, [INDEX["left_ankle"], INDEX["right_ankle"]], :2]
    with np.errstate(invalid="ignore"):
        inside = ((ankles >= 0) & (ankles <= np.array([width, height]))).all(axis=(2, 3))
    _, torso, _ = _centre_and_size(img)
    legs = np.linalg.norm(_mid(img, "hip")[..., :2] - _mid(img, "ankle")[..., :2], axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = legs / torso
    lo, hi = LEG_TO_TORSO_RANGE
    return np.asarray(inside & (ratio >= lo) & (ratio <= hi))


def proportions(candidates: CandidateFrames, /) -> FloatArray:
    """(n, k, f) world-landmark segment lengths over the torso length: zoom changes none."""
    w = candidates.world_m
    torso = np.linalg.norm(_mid(w, "shoulder") - _mid(w, "hip"), axis=-1)
    lengths = np.stack(
        [np.linalg.norm(w[:, :, INDEX[a]] - w[:, :, INDEX[b]], axis=-1) for a, b in _SEGMENTS], axis=-1
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(lengths / torso[..., None])


def _link(
    c: CandidateFrames, *, max_jump_torso: float, max_gap_s: float, max_scale_step: float
) -> list[_Tracklet]:
    centre, length, _ = _centre_and_size(c.image_px)
    present = c.present & np.isfinite(length) & (length > 0)
    max_log_step = float(np.log1p(max_scale_step))
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
                step = abs(float(np.log(length[i, s] / max(tr.sizes[-1], 1e-9))))
                if d <= max_jump_torso and step <= max_log_step:
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
    return sorted(done + active, key=lambda tr: tr.frames[0])


def _cut_frames(tracklets: list[_Tracklet], n: int) -> list[int]:
    """Frames where every tracklet before ends and new ones begin: the picture jumped."""
    first = np.array([tr.frames[0] for tr in tracklets])
    last = np.array([tr.frames[-1] for tr in tracklets])
    return [
        i
        for i in range(1, n)
        if (last == i - 1).any() and (first == i).any() and not ((first < i) & (last >= i)).any()
    ]


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


def _chains(
    tracklets: list[_Tracklet], cuts: list[int], c: CandidateFrames, *, max_jump_torso: float
) -> list[_Chain]:
    """Chain the tracklets of each piece (between cuts) across short losses."""
    _, length, _ = _centre_and_size(c.image_px)

    def prominence(tr: _Tracklet) -> float:
        return float(np.nansum([length[f, s] for f, s in zip(tr.frames, tr.slots, strict=True)]))

    chains: list[_Chain] = []
    pieces: dict[int, list[_Tracklet]] = {}
    for tr in tracklets:
        pieces.setdefault(int(np.searchsorted(cuts, tr.frames[0], side="right")), []).append(tr)
    for piece, pool in sorted(pieces.items()):
        ranked = sorted(pool, key=prominence, reverse=True)
        while ranked:
            chain = [ranked.pop(0)]
            _grow(chain, ranked, c.time_s, max_jump_torso=max_jump_torso)
            chains.append(_Chain(piece, sorted(chain, key=lambda tr: tr.frames[0])))
    return chains


def _proportion_cost(a: FloatArray, b: FloatArray) -> float:
    """Mean absolute log ratio of the proportions both chains show (inf when none)."""
    ok = np.isfinite(a) & np.isfinite(b) & (a > 0) & (b > 0)
    return float(np.mean(np.abs(np.log(a[ok] / b[ok])))) if ok.any() else np.inf


def _match(
    left: list[int], right: list[int], props: list[FloatArray], order_x: list[float]
) -> list[tuple[int, int]]:
    """Pairs of the same person on two sides of a cut (chain indices)."""
    if len(left) == 1 and len(right) == 1:
        return [(left[0], right[0])]  # one person on both sides: the same person
    if len(left) > len(right):
        return [(a, b) for b, a in _match(right, left, props, order_x)]
    best: tuple[float, list[tuple[int, int]]] = (np.inf, [])
    for chosen in itertools.permutations(right, len(left)):
        pairs = list(zip(left, chosen, strict=True))
        cost = sum(min(_proportion_cost(props[a], props[b]), 10.0) for a, b in pairs)
        for (a1, b1), (a2, b2) in itertools.combinations(pairs, 2):
            if (order_x[a1] - order_x[a2]) * (order_x[b1] - order_x[b2]) < 0:
                cost += ORDER_SWAP_COST
        if cost < best[0]:
            best = (cost, pairs)
    return [(a, b) for a, b in best[1] if _proportion_cost(props[a], props[b]) <= MAX_PROPORTION_COST]


def _people(chains: list[_Chain], c: CandidateFrames, *, max_chains_per_piece: int = 6) -> list[list[_Chain]]:
    """Group the chains into people across cuts (nearest pieces first, never two at once)."""
    centre, _, _ = _centre_and_size(c.image_px)
    props_all = proportions(c)
    props = [np.nanmedian(np.array([props_all[f, s] for f, s in ch.pairs()]), axis=0) for ch in chains]
    order_x = [float(np.nanmedian([centre[f, s, 0] for f, s in ch.pairs()])) for ch in chains]
    group = list(range(len(chains)))
    frames: dict[int, set[int]] = {i: {f for f, _ in ch.pairs()} for i, ch in enumerate(chains)}

    def root(i: int) -> int:
        while group[i] != i:
            i = group[i]
        return i

    by_piece: dict[int, list[int]] = {}
    for i, ch in enumerate(chains):
        by_piece.setdefault(ch.piece, []).append(i)
    for members in by_piece.values():
        members.sort(key=lambda i: -len(frames[i]))
        del members[max_chains_per_piece:]
    pieces = sorted(by_piece)
    for a, b in sorted(itertools.combinations(pieces, 2), key=lambda ab: (ab[1] - ab[0], ab[0])):
        for i, j in _match(by_piece[a], by_piece[b], props, order_x):
            ri, rj = root(i), root(j)
            if ri == rj or frames[ri] & frames[rj]:
                continue
            group[rj] = ri
            frames[ri] |= frames.pop(rj)
    people: dict[int, list[_Chain]] = {}
    for i, ch in enumerate(chains):
        people.setdefault(root(i), []).append(ch)
    return list(people.values())


def _ranges_s(
    chains: list[_Chain], time_s: FloatArray, *, max_gap_s: float
) -> tuple[tuple[float, float], ...]:
    """Time ranges covered by chains, joined across gaps up to ``max_gap_s``."""
    spans = sorted(
        (float(time_s[min(f for f, _ in ch.pairs())]), float(time_s[max(f for f, _ in ch.pairs())]))
        for ch in chains
    )
    out: list[tuple[float, float]] = []
    for a, b in spans:
        if out and a - out[-1][1] <= max_gap_s:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return tuple(out)


def select_subject(
    candidates: CandidateFrames,
    /,
    *,
    point_px: tuple[float, float] | None = None,
    max_jump_torso: float = 0.6,
    max_gap_s: float = 0.5,
    max_scale_step: float = MAX_SCALE_STEP,
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
    max_scale_step : float
        Largest change of torso length between consecutive detections of one person (fraction).

    Returns
    -------
    LandmarkSeries, TrackingReport
        The subject's landmarks (NaN where not found) and what the tracker did.
    """
    n = candidates.n_frames
    tracklets = _link(
        candidates, max_jump_torso=max_jump_torso, max_gap_s=max_gap_s, max_scale_step=max_scale_step
    )
    people_seen = int(candidates.present.sum(axis=1).max()) if n else 0
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

    fine_cuts = _cut_frames(tracklets, n)
    chains = _chains(tracklets, fine_cuts, candidates, max_jump_torso=max_jump_torso)
    people = _people(chains, candidates)
    chosen = _choose(people, candidates, point_px=point_px)
    whole = whole_body(candidates)
    whole_chains = [
        ch for ch in chosen if np.mean([whole[f, s] for f, s in ch.pairs()]) >= MIN_WHOLE_BODY_SHARE
    ]
    kept = whole_chains or chosen
    taken = np.zeros(n, dtype=bool)
    for ch in kept:
        for f, s in ch.pairs():
            if taken[f]:
                continue
            taken[f] = True
            image[f] = candidates.image_px[f, s]
            world[f] = candidates.world_m[f, s]
            vis[f] = candidates.visibility[f, s]
    close = np.zeros(n, dtype=bool)
    close_chains = [ch for ch in chosen if ch not in kept]
    for ch in close_chains:
        close[[f for f, _ in ch.pairs()]] = True
    close &= ~taken
    present_any = candidates.present.any(axis=1)
    rejected = int((present_any & ~taken & ~close).sum())
    warnings: list[str] = []
    if people_seen > 1:
        warnings.append(
            f"{people_seen} people were in view; the analysis follows one subject "
            f"({'the person nearest the given point' if point_px else _LARGEST})"
        )
    if close.any():
        spans = ", ".join(
            f"{a:.1f}-{b:.1f} s" for a, b in _ranges_s(close_chains, candidates.time_s, max_gap_s=max_gap_s)
        )
        warnings.append(
            f"the clip has close-up shots where the legs are out of view ({spans}); "
            "figures come from the whole-body shots"
        )
    series = LandmarkSeries(
        time_s=candidates.time_s,
        image_px=image,
        world_m=world,
        visibility=vis,
        frame_size_px=candidates.frame_size_px,
    )
    report = TrackingReport(
        max_people_seen=people_seen,
        subject_frames=int(taken.sum()),
        rejected_frames=rejected,
        warnings=tuple(warnings),
        point_px=point_px,
        cut_times_s=_cut_times_s(fine_cuts, candidates.time_s),
        whole_body_ranges_s=_ranges_s(whole_chains, candidates.time_s, max_gap_s=max_gap_s),
        close_up_frames=int(close.sum()),
    )
    return series, report


def _cut_times_s(fine_cuts: list[int], time_s: FloatArray) -> tuple[float, ...]:
    """Times of the cuts; breaks closer than ``MIN_SHOT_S`` to the previous one are the same cut."""
    out: list[float] = []
    last = -np.inf
    for i in fine_cuts:
        t = float(time_s[i])
        if t - last >= MIN_SHOT_S:
            out.append(t)
        last = t
    return tuple(out)


def _choose(
    people: list[list[_Chain]], c: CandidateFrames, *, point_px: tuple[float, float] | None
) -> list[_Chain]:
    """The subject: the largest whole body among people seen long enough, or nearest the point."""
    n = c.n_frames
    _, length, _ = _centre_and_size(c.image_px)
    body = length + np.linalg.norm(
        _mid(c.image_px, "hip")[..., :2] - _mid(c.image_px, "ankle")[..., :2], axis=-1
    )
    whole = whole_body(c)
    duration_s = float(c.time_s[-1] - c.time_s[0]) if n > 1 else 0.0

    def seen_s(pairs: list[tuple[int, int]]) -> float:
        return float(len({f for f, _ in pairs})) / max(n, 1) * duration_s

    def whole_pairs(person: list[_Chain]) -> list[tuple[int, int]]:
        return [
            p
            for ch in person
            if np.mean([whole[f, s] for f, s in ch.pairs()]) >= MIN_WHOLE_BODY_SHARE
            for p in ch.pairs()
        ]

    def all_pairs(person: list[_Chain]) -> list[tuple[int, int]]:
        return [p for ch in person for p in ch.pairs()]

    if point_px is not None:
        p = np.asarray(point_px, dtype=float)

        def reach(person: list[_Chain]) -> float:
            return min(
                float(np.min(np.linalg.norm(np.asarray(tr.centres) - p, axis=1)))
                / max(float(np.median(tr.sizes)), 1.0)
                for ch in person
                for tr in ch.tracklets
            )

        return min(people, key=reach)
    # The patient is seen for a meaningful time (at least 1 s and a quarter of the time the
    # longest-seen person was); among them, people shown whole for long enough come first (a
    # close-up is large only because it is zoomed), then the largest body (nearest the camera).
    longest = max(seen_s(all_pairs(p)) for p in people)
    eligible = [
        p
        for p in people
        if seen_s(all_pairs(p)) >= min(MIN_SEEN_S, longest)
        and seen_s(all_pairs(p)) >= MIN_SEEN_SHARE * longest
    ]
    best_whole = max(seen_s(whole_pairs(p)) for p in eligible)
    if best_whole > 0:
        eligible = [p for p in eligible if seen_s(whole_pairs(p)) >= min(MIN_SEEN_S, best_whole)]

    def scale(person: list[_Chain]) -> float:
        pairs = whole_pairs(person) or all_pairs(person)
        return float(np.nanmedian([body[f, s] for f, s in pairs]))

    return max(eligible, key=scale)


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
