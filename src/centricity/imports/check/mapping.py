"""Which source column feeds which field: automatic from header names, explicit overrides
(`--map SOURCE=TARGET`) and saved mapping files (JSON) that make an import repeatable."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from centricity.imports import reasons
from centricity.imports.registry import KindSpec
from centricity.kit.i18n import lazy
from centricity.kit.text import fold

# Columns the quarantine file puts first; re-importing a fixed quarantine file ignores
# them there (elsewhere `line` is an ordinary header: an order line's number).
RESERVED = ("line", "reason")
MAPPING_FILE_VERSION = 1
OPTION_KEYS = ("encoding", "delimiter", "decimal", "date_format", "timezone", "sheet")


class MappingError(ValueError):
    """The mapping cannot work: an unknown target, or a required field with no column
    (a lazy text when a page may show it: `str()` is English)."""


def normalise(header: str) -> str:
    """Fold case, accents, spaces and punctuation: `E-mail` and `e_mail` become `email`."""
    return re.sub(r"[\W_]+", "", fold(header))


@dataclass
class ColumnMapping:
    """Column index → field name for one file; unmapped columns are ignored."""

    headers: list[str]
    targets: dict[int, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def fields(self) -> frozenset[str]:
        """The fields this file provides."""
        return frozenset(self.targets.values())

    def ignored(self) -> list[str]:
        """Headers that feed no field."""
        return [h for i, h in enumerate(self.headers) if i not in self.targets]

    def pairs(self) -> list[tuple[str, str | None]]:
        """(header, field or None) in file order, for printing and the preview page."""
        return [(h, self.targets.get(i)) for i, h in enumerate(self.headers)]

    def columns(self) -> dict[str, str | None]:
        """Header → field, as saved in a mapping file."""
        return {h: self.targets.get(i) for i, h in enumerate(self.headers)}


def _lookup(spec: KindSpec) -> dict[str, str]:
    table: dict[str, str] = {}
    for spec_field in spec.fields:  # own names first: they win over any synonym
        table.setdefault(normalise(spec_field.name), spec_field.name)
    for spec_field in spec.fields:
        for synonym in spec_field.synonyms:
            table.setdefault(normalise(synonym), spec_field.name)
    return table


def auto_map(spec: KindSpec, headers: list[str]) -> ColumnMapping:
    """Map obvious header names (six languages) to fields; the first column wins a field."""
    lookup = _lookup(spec)
    mapping = ColumnMapping(headers=list(headers))
    taken: set[str] = set()
    quarantine_layout = tuple(normalise(h) for h in headers[: len(RESERVED)]) == RESERVED
    for index, header in enumerate(headers):
        key = normalise(header)
        target = lookup.get(key)
        if (quarantine_layout and index < len(RESERVED)) or target is None:
            continue
        if target in taken:
            note = reasons.fill(reasons.ALSO_LOOKS_LIKE, header=repr(header), field=target)
            mapping.notes.append(note)
            continue
        mapping.targets[index] = target
        taken.add(target)
    return mapping


def _find_column(headers: list[str], source: str) -> int:
    if source.startswith("#") and source[1:].isdigit() and int(source[1:]) < len(headers):
        return int(source[1:])  # by position (the import page's selects)
    if source in headers:
        return headers.index(source)
    wanted = normalise(source)
    for index, header in enumerate(headers):
        if normalise(header) == wanted:
            return index
    raise MappingError(
        lazy(
            "no column named %(name)s; columns: %(columns)s",
            name=repr(source),
            columns=", ".join(headers),
        )
    )


def apply_overrides(
    spec: KindSpec, mapping: ColumnMapping, overrides: dict[str, str | None]
) -> ColumnMapping:
    """Apply `SOURCE=TARGET` choices; an empty target ignores the column."""
    known = {f.name for f in spec.fields}
    result = ColumnMapping(mapping.headers, dict(mapping.targets), list(mapping.notes))
    for source, target in overrides.items():
        index = _find_column(result.headers, source)
        if target and target not in known:
            raise MappingError(
                lazy(
                    "%(kind)s has no field %(name)s; fields: %(fields)s",
                    kind=spec.name,
                    name=repr(target),
                    fields=", ".join(known),
                )
            )
        if target:
            result.targets = {i: t for i, t in result.targets.items() if t != target}
            result.targets[index] = target
        else:
            result.targets.pop(index, None)
    return result


def check_complete(spec: KindSpec, mapping: ColumnMapping) -> None:
    """Fail unless every required field and one way of identifying rows is mapped."""
    missing = [name for name in spec.required if name not in mapping.fields]
    if missing:
        raise MappingError(
            lazy(
                reasons.MISSING_COLUMNS,
                missing=", ".join(missing),
                columns=", ".join(mapping.headers),
            )
        )
    if spec.key_for(mapping.fields) is None:
        options = " or ".join("+".join(k.fields) for k in spec.keys)
        raise MappingError(lazy(reasons.UNIDENTIFIABLE, options=options))


def parse_overrides(items: list[str]) -> dict[str, str | None]:
    """Turn `--map 'E-mail=email'` options into a dict (an empty target ignores a column)."""
    overrides: dict[str, str | None] = {}
    for item in items:
        source, sep, target = item.rpartition("=")
        if not sep or not source:
            raise MappingError(f"--map takes SOURCE=TARGET, got {item!r}")
        overrides[source] = target.strip() or None
    return overrides


def load_file(path: Path) -> tuple[dict[str, str | None], dict[str, Any]]:
    """Read a saved mapping file: (column overrides, format options)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise MappingError(f"cannot read mapping file {path}: {type(exc).__name__}") from None
    if not isinstance(data, dict) or not isinstance(data.get("columns", {}), dict):
        raise MappingError(f"{path} is not a mapping file (expected {{'columns': {{...}}}})")
    columns = {str(k): (str(v) if v else None) for k, v in data.get("columns", {}).items()}
    options = {k: v for k, v in (data.get("options") or {}).items() if k in OPTION_KEYS}
    return columns, options


def save_file(path: Path, spec: KindSpec, mapping: ColumnMapping, options: dict[str, Any]) -> None:
    """Write the mapping and format options used, so the next import repeats them exactly."""
    data = {
        "version": MAPPING_FILE_VERSION,
        "kind": spec.name,
        "columns": mapping.columns(),
        "options": {k: v for k, v in options.items() if k in OPTION_KEYS and v is not None},
    }
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
