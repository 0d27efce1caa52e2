"""Running a batch on a Ray cluster: one actor per worker CPU, each keeping its pose model.

The only module that imports :mod:`ray`. Ray is told to stay off the network beyond the
cluster: usage statistics are disabled, no dashboard is started by the driver, and a cluster on
this machine (a loopback address) is joined as loopback only. The clips are read by the
workers from their own paths, so every node needs them at the same path (shared storage); the
results (assessments, a few MB each at most) come back to this process, which writes every file.
"""

from __future__ import annotations

import logging
import os
import socket
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from assess.batch.inputs import BatchItem
from assess.batch.work import ClipResult, ClipWorker, one_line_reason
from assess.errors import InputError

#: Environment variable with the address of the Ray cluster (``HOST:PORT``), like ``--ray``.
RAY_ADDRESS_ENV = "ASSESS_RAY_ADDRESS"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
#: How long to wait for the cluster's address to accept a connection before giving up.
CONNECT_TIMEOUT_S = 5.0

WorkerReady = Callable[[str, float | None, str | None], None]


class RayClipWorker(ClipWorker):
    """A :class:`ClipWorker` as a Ray actor: says so when a clip is not on its node's disk."""

    def analyse_on_node(self, item: BatchItem, /) -> ClipResult:
        """Analyse one clip read from this node's disk."""
        result = self.analyse(item)
        if result.assessment is None and not item.clip.exists():
            reason = (
                f"{item.clip} not found on Ray worker {result.worker}; every node needs the clips at the "
                "same path (shared storage)"
            )
            return ClipResult(assessment=None, reason=reason, seconds=result.seconds, worker=result.worker)
        return result


def _import_ray(address: str) -> Any:
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    if _split_address(address)[0] in LOOPBACK_HOSTS:
        # A cluster on this machine: take this node's address as loopback, not the LAN address.
        os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
    try:
        import ray
    except ImportError:
        raise InputError("--ray needs the ray package; install it with: pip install 'assess[ray]'") from None
    return ray


def _split_address(address: str, /) -> tuple[str, int]:
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise InputError(f"--ray {address!r} must be the cluster's HOST:PORT (e.g. headnode:6379)")
    return host.strip("[]"), int(port)


def _check_reachable(address: str, /) -> None:
    """Fail at once when nothing listens at ``address`` (Ray itself retries for minutes)."""
    host, port = _split_address(address)
    try:
        socket.create_connection((host, port), timeout=CONNECT_TIMEOUT_S).close()
    except OSError as exc:
        raise InputError(
            f"no Ray cluster answered at {address} ({exc.strerror or type(exc).__name__}); start one "
            "with 'ray start --head' and give its HOST:PORT"
        ) from None


def connect(address: str, /) -> Any:
    """Join the Ray cluster at ``address`` (``HOST:PORT``) and return the ``ray`` module."""
    _check_reachable(address)
    ray = _import_ray(address)
    try:
        ray.init(
            address=address,
            include_dashboard=False,
            log_to_driver=False,
            logging_level=logging.WARNING,
            configure_logging=False,
        )
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise InputError(
            f"no Ray cluster answered at {address} ({type(exc).__name__}); start one with "
            "'ray start --head' and give its HOST:PORT"
        ) from None
    return ray


def run_on_ray(
    ray: Any,
    items: Sequence[BatchItem],
    /,
    *,
    model_path: Path | None,
    n_workers: int | None = None,
    on_worker_ready: WorkerReady | None = None,
) -> Iterator[tuple[int, ClipResult]]:
    """Analyse ``items`` on the cluster ``ray`` joined; yield (index in ``items``, result) as they arrive.

    ``n_workers`` actors (default and at most: the cluster's CPUs, since each holds one for its
    life; at most one per clip) each load the pose model once and take the next clip when done
    with one. A worker that dies fails its clip with the reason and is replaced.
    """
    if not items:
        return
    cpus = max(1, int(ray.cluster_resources().get("CPU", 1)))
    count = max(1, min(n_workers or cpus, cpus, len(items)))
    actor_class = ray.remote(num_cpus=1)(RayClipWorker)
    loads: dict[Any, Any] = {}

    def new_actor() -> Any:
        actor = actor_class.remote(model_path=model_path, workers=1)
        loads[actor.load_model.remote()] = actor
        return actor

    idle = deque(new_actor() for _ in range(count))
    yield from _dispatch(ray, items, idle, new_actor, loads, on_worker_ready)


def _dispatch(
    ray: Any,
    items: Sequence[BatchItem],
    idle: deque[Any],
    new_actor: Callable[[], Any],
    loads: dict[Any, Any],
    on_worker_ready: WorkerReady | None,
) -> Iterator[tuple[int, ClipResult]]:
    """Give each idle actor the next clip; yield results as they arrive.

    ``loads`` maps each actor's pending model load to the actor; a load is reported when it is
    done (an actor runs its calls in order, so its load is done before its first clip is).
    """
    queue = deque(range(len(items)))
    running: dict[Any, tuple[int, Any]] = {}
    while queue or running:
        while queue and idle:
            actor = idle.popleft()
            index = queue.popleft()
            running[actor.analyse_on_node.remote(items[index])] = (index, actor)
        ready, _ = ray.wait([*loads, *running], num_returns=1)
        ref = ready[0]
        if ref in loads:
            loads.pop(ref)
            if on_worker_ready is not None:
                on_worker_ready(*_load_outcome(ray, ref))
            continue
        index, actor = running.pop(ref)
        try:
            result: ClipResult = ray.get(ref)
        except Exception as exc:  # the worker died: this clip fails, a new worker takes over  # noqa: BLE001
            reason = f"Ray worker lost: {one_line_reason(exc)}"
            result = ClipResult(assessment=None, reason=reason, seconds=0.0, worker="?")
            ray.kill(actor)
            actor = new_actor() if queue else None
        if actor is not None:
            idle.append(actor)
        yield index, result


def _load_outcome(ray: Any, ref: Any) -> tuple[str, float | None, str | None]:
    try:
        worker, seconds, failure = ray.get(ref)
    except Exception as exc:  # a worker that could not start: its clips will say why  # noqa: BLE001
        return "?", None, one_line_reason(exc)
    return str(worker), seconds, failure
