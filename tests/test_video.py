from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np
import pytest

from assess.errors import InputError
from assess.io.video import iter_frames, prefetched, probe
from tests.conftest import marker_frames, write_clip


def test_probe_reports_size_rate_and_frames(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "a.mp4", marker_frames(30), fps=30)
    info = probe(clip)
    assert (info.width_px, info.height_px) == (160, 96)
    assert info.fps == pytest.approx(30, rel=0.01)
    assert info.n_frames == 30
    assert info.duration_s == pytest.approx(1.0, abs=0.05)


@pytest.mark.parametrize("rotation_deg", [90, -90, 180])
def test_rotation_metadata_gives_upright_frames(tmp_path: Path, rotation_deg: int) -> None:
    # A phone stores landscape pixels plus a display rotation; the frames must come out as shown.
    clip = write_clip(tmp_path / "r.mp4", marker_frames(5), rotation_deg=rotation_deg)
    frame = next(iter_frames(clip))
    expected = np.rot90(marker_frames(5)[0], k=(rotation_deg // 90) % 4)
    assert frame.rgb.shape == expected.shape
    # The bright marker lands in the same corner as the reference rotation puts it.
    bright = frame.rgb[..., 0] > 200
    ref_bright = expected[..., 0] > 200
    assert (bright & ref_bright).sum() > 0.8 * ref_bright.sum()
    assert probe(clip).width_px == expected.shape[1]


@pytest.mark.parametrize(
    ("suffix", "codec"),
    [(".mp4", "libx264"), (".mov", "libx264"), (".avi", "mpeg4"), (".webm", "libvpx-vp9"), (".mkv", "libx264")],
)
def test_every_supported_container_decodes_with_times(tmp_path: Path, suffix: str, codec: str) -> None:
    clip = write_clip(tmp_path / f"clip{suffix}", marker_frames(15), fps=15, codec=codec)
    frames = list(iter_frames(clip))
    assert len(frames) == 15
    np.testing.assert_allclose([f.time_s for f in frames], np.arange(15) / 15, atol=0.01)
    assert probe(clip).width_px == 160


def test_variable_frame_rate_gives_real_timestamps(tmp_path: Path) -> None:
    times = [0.0, 0.033, 0.1, 0.12, 0.3, 0.5, 0.52, 0.9]
    clip = write_clip(tmp_path / "vfr.mp4", marker_frames(len(times)), times_s=times)
    got = [f.time_s for f in iter_frames(clip)]
    np.testing.assert_allclose(got, times, atol=0.002)


def test_segments_join_without_seam(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "s.mp4", marker_frames(90), fps=30)
    whole = [f.time_s for f in iter_frames(clip)]
    cut = 1.5
    parts = [f.time_s for f in iter_frames(clip, end_s=cut)] + [
        f.time_s for f in iter_frames(clip, start_s=cut)
    ]
    assert parts == whole


def test_a_start_may_snap_back_to_the_key_frame_before_it(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "k.mp4", marker_frames(90), fps=30, key_every=30)  # keys at 0, 1, 2 s
    with av.open(str(clip)) as container:
        stream = container.streams.video[0]
        keys = [float(p.pts * stream.time_base) for p in container.demux(stream) if p.is_keyframe]
    assert keys == pytest.approx([0.0, 1.0, 2.0])
    first = next(iter_frames(clip, start_s=1.5, snap_back_s=0.6))
    assert first.time_s == pytest.approx(1.0)
    # Too far back: the exact start, as without snapping.
    assert next(iter_frames(clip, start_s=1.5, snap_back_s=0.4)).time_s == pytest.approx(1.5, abs=1e-3)
    assert next(iter_frames(clip, start_s=1.5)).time_s == pytest.approx(1.5, abs=1e-3)
    # Snapping never starts later than asked, nor past the end.
    assert [f.time_s for f in iter_frames(clip, start_s=1.5, end_s=1.6, snap_back_s=0.6)][-1] < 1.6


def test_prefetched_keeps_the_order_and_raises_the_producers_error() -> None:
    assert list(prefetched(iter(range(50)), depth=3)) == list(range(50))

    def failing() -> Iterator[int]:
        yield 1
        raise InputError("the clip ends in a damaged packet")

    items = prefetched(failing())
    assert next(items) == 1
    with pytest.raises(InputError, match="damaged packet"):
        next(items)


def test_frames_stream_contiguous_rgb(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "c.mp4", marker_frames(3, width=178, height=98))
    frame = next(iter_frames(clip))
    assert frame.rgb.flags["C_CONTIGUOUS"]
    assert frame.rgb.dtype == np.uint8


@pytest.mark.parametrize("b_frames", [0, 2])
def test_truncated_file_stops_at_last_good_frame(tmp_path: Path, b_frames: int) -> None:
    # A copy broken off mid-way: the index (moov) is at the start, so it survives, and the cut
    # falls in the middle of the 31st packet (decode order). Every frame whose packet lies wholly
    # before the cut is good and must come out, in time order; nothing after it can.
    clip = write_clip(tmp_path / "t.mp4", marker_frames(60), fps=30, b_frames=b_frames, index_first=True)
    with av.open(str(clip)) as container:
        packets = [(p.pos, p.size, p.pts) for p in container.demux(container.streams.video[0]) if p.size]
    assert len(packets) == 60
    whole = [f.time_s for f in iter_frames(clip)]
    pts_order = sorted(pts for _, _, pts in packets)
    pos, size, _ = packets[30]
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(clip.read_bytes()[: pos + size // 2])
    expected = sorted(whole[pts_order.index(pts)] for _, _, pts in packets[:30])
    got = [f.time_s for f in iter_frames(cut)]
    assert got == expected
    if b_frames == 0:
        assert got == whole[:30]


def test_truncated_file_without_its_index_is_a_one_line_input_error(tmp_path: Path) -> None:
    # A recording stopped by a crash: the mp4 index (moov), written last, is missing.
    clip = write_clip(tmp_path / "t.mp4", marker_frames(60), fps=30)
    data = clip.read_bytes()
    assert data.index(b"moov") > len(data) // 2
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match="is not a video that can be read") as info:
        list(iter_frames(cut))
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p / "missing.mp4", "no such file"),
        (lambda p: p, "is a directory"),
        (lambda p: ((p / "empty.mp4").write_bytes(b"") and p / "empty.mp4") or p / "empty.mp4", "empty"),
        (lambda p: (p / "text.mp4").write_text("hello") and p / "text.mp4", "not a video"),
    ],
)
def test_bad_files_raise_one_line_input_errors(tmp_path: Path, make, message: str) -> None:  # type: ignore[no-untyped-def]
    path = make(tmp_path)
    with pytest.raises(InputError, match=message) as info:
        probe(path)
    assert "\n" not in str(info.value)
