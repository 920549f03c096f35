"""The chain of manifests behind an artifact, back to the raw files nobody in the DAG produced.

Each `<artifact>.manifest.json` names its inputs with their sha256 at the time the artifact was
made. `trace` follows them: an input whose producer is known (its own manifest, the manifest of a
folder it lies in, or a manifest that lists it under `outputs`) is expanded in turn; an input
without one is a raw file (a source shard, a benchmark file, a hand-written resource). Every
recorded checksum is compared with the file on disk, so a chain also says what changed since.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jiuzhang.common.errors import DataError
from jiuzhang.common.hashing import path_sha256
from jiuzhang.common.manifest import MANIFEST_SUFFIX, manifest_path

__all__ = ["Node", "find_workdir", "trace", "render", "to_json", "walk"]

# Statuses of a recorded checksum against the file on disk.
OK, CHANGED, MISSING, UNCHECKED = "ok", "changed", "missing", "unchecked"


@dataclass
class Node:
    """One file of the chain: where it is, what was recorded of it, and what made it."""

    path: str
    recorded: str | None  # the sha256 its consumer's manifest recorded (None for the root)
    status: str
    manifest: str | None = None  # the manifest that describes how it was made
    document: dict[str, Any] | None = None
    inputs: list[tuple[str, Node]] = field(default_factory=list)  # (role, node)
    repeated: bool = False  # expanded earlier in the listing

    @property
    def raw(self) -> bool:
        return self.manifest is None


def find_workdir(path: Path) -> Path:
    """The workflow folder of `path`: the nearest ancestor holding a Snakefile (else the cwd)."""
    for parent in path.resolve().parents:
        if (parent / "Snakefile").is_file():
            return parent
    return Path.cwd()


class _Index:
    """Which manifest describes a path: its own, an enclosing folder's, or an `outputs` entry."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self._outputs: dict[str, Path] | None = None
        self._documents: dict[Path, dict[str, Any]] = {}

    def document(self, manifest: Path) -> dict[str, Any]:
        if manifest not in self._documents:
            try:
                self._documents[manifest] = json.loads(manifest.read_text("utf-8"))
            except (OSError, ValueError) as exc:
                raise DataError(f"{manifest}: unreadable manifest ({exc})") from exc
        return self._documents[manifest]

    def _listed_outputs(self) -> dict[str, Path]:
        if self._outputs is None:
            self._outputs = {}
            for manifest in sorted(self.workdir.rglob(f"*{MANIFEST_SUFFIX}")):
                if ".snakemake" in manifest.parts:
                    continue
                try:
                    listed = self.document(manifest).get("outputs") or {}
                except DataError:
                    continue
                for out in listed:
                    self._outputs[os.path.normpath(out)] = manifest
        return self._outputs

    def producer(self, rel: str) -> Path | None:
        """The manifest describing workdir-relative `rel`, or None for a raw file."""
        rel = os.path.normpath(rel)
        candidates = [Path(rel), *Path(rel).parents]
        for candidate in candidates[:-1]:  # the file itself, then each folder above it
            own = self.workdir / manifest_path(candidate)
            if own.is_file():
                return own
        listed = self._listed_outputs()
        for candidate in candidates[:-1]:
            if str(candidate) in listed:
                return listed[str(candidate)]
        return None


def _relative(path: Path, workdir: Path) -> str:
    try:
        return os.path.relpath(path.resolve(), workdir)
    except ValueError:
        return str(path)


def _status(actual: Path, recorded: str | None, verify: bool) -> str:
    if not actual.exists():
        return MISSING
    if recorded is None or not verify:
        return UNCHECKED
    return OK if path_sha256(actual) == recorded else CHANGED


def trace(
    target: str | os.PathLike[str], *, workdir: Path | None = None, verify: bool = True
) -> Node:
    """The provenance tree of `target`; each artifact is expanded once (later uses are `repeated`).

    Raises `DataError` when `target` does not exist or no manifest describes it.
    """
    target_path = Path(target)
    if not target_path.exists():
        raise DataError(f"{target}: no such file or folder")
    root_dir = workdir or find_workdir(target_path)
    index = _Index(root_dir)
    rel = _relative(target_path, root_dir)
    if index.producer(rel) is None:
        raise DataError(
            f"{target}: no manifest describes it (not a pipeline artifact, or made by a version "
            "without manifests); raw inputs have no provenance beyond their checksum"
        )
    expanded: dict[Path, Node] = {}

    def visit(rel_path: str, recorded: str | None) -> Node:
        node = Node(rel_path, recorded, _status(root_dir / rel_path, recorded, verify))
        manifest = index.producer(rel_path)
        if manifest is None:
            return node
        node.manifest = _relative(manifest, root_dir)
        node.document = index.document(manifest)
        if manifest in expanded:
            node.repeated = True
            return node
        expanded[manifest] = node
        for role, files in sorted((node.document.get("inputs") or {}).items()):
            for path, digest in sorted(files.items()):
                node.inputs.append((role, visit(os.path.normpath(path), digest)))
        return node

    root = visit(rel, None)
    doc = root.document or {}
    if root.manifest == _relative(root_dir / manifest_path(rel), root_dir):
        root.recorded = doc.get("sha256")
    else:  # another output of the job, or a file inside an output folder
        listed = {os.path.normpath(k): v for k, v in (doc.get("outputs") or {}).items()}
        root.recorded = listed.get(rel)
    root.status = _status(root_dir / rel, root.recorded, verify)
    return root


def walk(node: Node) -> Iterator[Node]:
    """`node` and everything under it, depth first."""
    yield node
    for _, child in node.inputs:
        yield from walk(child)


def _brief(value: Any, width: int) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return text if len(text) <= width else text[: width - 3] + "..."


def render(root: Node, *, width: int = 110) -> str:
    """A readable tree: each artifact once, with what made it; raw inputs listed at the end."""
    lines: list[str] = []
    base = (root.document or {}).get("code_version"), (root.document or {}).get("libraries")
    if root.document:
        libraries = ", ".join(f"{k} {v}" for k, v in sorted((base[1] or {}).items()))
        lines.append(f"code {base[0]} (sources {str(root.document.get('code_sha256'))[:12]})")
        lines.append(f"libraries: {libraries}")
        lines.append("")

    def mark(node: Node) -> str:
        digest = (node.recorded or "")[:12]
        flag = {
            OK: "",
            UNCHECKED: "",
            CHANGED: "  CHANGED (not the recorded sha256)",
            MISSING: "  MISSING",
        }
        kind = "raw" if node.raw else ("see above" if node.repeated else "")
        tags = " ".join(t for t in (digest, kind) if t)
        return f"{node.path}" + (f"  [{tags}]" if tags else "") + flag[node.status]

    def emit(node: Node, prefix: str, role: str | None) -> None:
        head = f"{role}: " if role else ""
        lines.append(f"{prefix}{head}{mark(node)}")
        if node.raw or node.repeated or node.document is None:
            return
        doc = node.document
        pad = prefix + "    "
        if (doc.get("code_version"), doc.get("libraries")) != base:
            lines.append(f"{pad}code {doc.get('code_version')}; {_brief(doc.get('libraries'), 80)}")
        if doc.get("seed") is not None:
            lines.append(f"{pad}seed {doc['seed']}")
        if doc.get("params"):
            lines.append(f"{pad}params {_brief(doc['params'], width - len(pad) - 7)}")
        if doc.get("counts"):
            lines.append(f"{pad}counts {_brief(doc['counts'], width - len(pad) - 7)}")
        for child_role, child in node.inputs:
            emit(child, pad, child_role)

    emit(root, "", None)
    raw = {n.path: n for n in walk(root) if n.raw}
    changed = [n for n in walk(root) if n.status in (CHANGED, MISSING)]
    lines.append("")
    lines.append(f"raw inputs ({len(raw)}):")
    lines += [f"    {mark(n)}" for _, n in sorted(raw.items())]
    if changed:
        lines.append("")
        lines.append(
            f"{len({n.path for n in changed})} file(s) differ from what their consumer recorded: "
            "the artifact is out of date (Snakemake reruns it)"
        )
    return "\n".join(lines) + "\n"


def to_json(root: Node) -> dict[str, Any]:
    """The tree as plain data (`jiuzhang provenance --json`)."""
    out: dict[str, Any] = {"path": root.path, "sha256": root.recorded, "status": root.status}
    if root.manifest:
        out["manifest"] = root.manifest
        if root.repeated:
            out["repeated"] = True
        else:
            doc = root.document or {}
            out |= {k: doc.get(k) for k in ("params", "seed", "counts", "code_version")}
            out["code_sha256"] = doc.get("code_sha256")
            out["libraries"] = doc.get("libraries")
            out["inputs"] = [{"role": role, **to_json(child)} for role, child in root.inputs]
    else:
        out["raw"] = True
    return out
