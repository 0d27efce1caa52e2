"""Draw the self-check set-up schematics (assess/app/static/setup_side.png, setup_front.png).

    python tools/make_app_pictures.py

Seen from above: the camera on a shelf at hip height, the patient 2.5-3 m away, side-on or facing it.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.patches import Ellipse, FancyArrowPatch, Polygon, Rectangle

OUT = Path(__file__).resolve().parents[1] / "assess" / "app" / "static"


def person_from_above(ax: plt.Axes, x: float, y: float, *, facing_deg: float) -> None:
    """Shoulders (ellipse), head (circle) and a nose arrow showing which way the person faces."""
    import math

    ax.add_patch(Ellipse((x, y), 0.5, 0.25, angle=facing_deg + 90, color="#4a78b5"))
    ax.add_patch(Ellipse((x, y), 0.22, 0.22, color="#f2c9a0", zorder=3))
    dx, dy = 0.35 * math.cos(math.radians(facing_deg)), 0.35 * math.sin(math.radians(facing_deg))
    ax.add_patch(
        FancyArrowPatch((x, y), (x + dx, y + dy), arrowstyle="-|>", mutation_scale=14, color="k", zorder=4)
    )


def camera(ax: plt.Axes, x: float, y: float) -> None:
    """A phone on a shelf, looking to the right, with its field of view."""
    ax.add_patch(Rectangle((x - 0.25, y - 0.4), 0.2, 0.8, color="#8b6b4a"))
    ax.add_patch(Rectangle((x - 0.08, y - 0.12), 0.1, 0.24, color="#222"))
    ax.add_patch(Polygon([(x, y), (x + 3.4, y + 1.3), (x + 3.4, y - 1.3)], color="#ffd54f", alpha=0.25))


def draw(view: str, path: Path) -> None:
    fig, ax = plt.subplots(figsize=(4.2, 2.6), dpi=110)
    camera(ax, 0.0, 0.0)
    person_from_above(ax, 2.8, 0.0, facing_deg=90.0 if view == "side" else 180.0)
    ax.annotate("", xy=(2.8, -0.85), xytext=(0.0, -0.85), arrowprops={"arrowstyle": "<->"})
    ax.text(1.4, -1.05, "2.5 - 3 m", ha="center", va="top", fontsize=10)
    ax.text(0.0, 0.55, "camera at\nhip height", ha="center", va="bottom", fontsize=8)
    words = "stand side-on" if view == "side" else "face the camera"
    ax.text(2.8, 0.45, words, ha="center", va="bottom", fontsize=10, weight="bold")
    ax.text(3.5, -1.55, "seen from above", ha="right", fontsize=7, color="#666")
    ax.set_xlim(-0.6, 3.6)
    ax.set_ylim(-1.6, 1.2)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for view in ("side", "front"):
        draw(view, OUT / f"setup_{view}.png")


if __name__ == "__main__":
    main()
