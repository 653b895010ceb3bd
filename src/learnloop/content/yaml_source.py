"""YAML that remembers where each value was written, so that errors can name file and line."""

from __future__ import annotations

from typing import Any

import yaml

__all__ = ["LineDict", "LineList", "YamlSyntaxError", "parse_yaml"]


class YamlSyntaxError(Exception):
    def __init__(self, line: int, message: str) -> None:
        self.line = line
        self.message = message
        super().__init__(f"line {line}: {message}")


class LineDict(dict[str, Any]):
    """A mapping with ``line`` (where it starts) and ``key_lines`` (where each key is)."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list[Any]):
    line: int = 0
    item_lines: list[int]


class _LineLoader(yaml.SafeLoader):
    line_offset = 0


def _mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    out = LineDict()
    out.line = node.start_mark.line + 1 + loader.line_offset
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1 + loader.line_offset
        if not isinstance(key, str):
            raise YamlSyntaxError(line, f"keys must be text, not {key!r}")
        if key in out:
            raise YamlSyntaxError(line, f"key {key!r} appears twice in the same mapping")
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = line
    return out


def _sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    out = LineList(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1 + loader.line_offset
    out.item_lines = [child.start_mark.line + 1 + loader.line_offset for child in node.value]
    return out


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


def parse_yaml(text: str, *, line_offset: int = 0) -> Any:
    """Parse one YAML document; mappings and lists carry their line numbers."""
    loader = _LineLoader(text)
    loader.line_offset = line_offset
    try:
        return loader.get_single_data()
    except YamlSyntaxError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 if mark else 0) + line_offset
        message = f"bad YAML: {exc.problem or exc.context}"
        if exc.context and exc.context_mark and exc.problem_mark:
            start = exc.context_mark.line + 1 + line_offset
            if start != line:
                message += f" ({exc.context} that starts at line {start})"
        raise YamlSyntaxError(line, message) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(line_offset, f"bad YAML: {exc}") from None
    finally:
        loader.dispose()
