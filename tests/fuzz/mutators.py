"""Structure-aware mutators: each takes a valid file's bytes and a seeded ``random.Random`` and returns a damaged copy.

Raw mutators (bit flips, truncation, spliced or repeated slices) apply to any file. The others
parse the container first and damage one field of it, so the result still gets past the first
checks and reaches the code behind them:

- safetensors (every file rnnkit writes): the header length, the tensor table (dtypes, shapes,
  offsets) and the JSON record inside ``__metadata__`` (types, sizes, missing keys, huge numbers,
  nesting);
- zip (``.keras``, NPZ): a member's JSON, the sizes the zip declares, a member's own bytes;
- ``.npy`` members of an NPZ: the header's shape and dtype;
- text (user data, word vectors): lines, fields, separators, header counts.

HDF5 files are mutated through h5py in :mod:`.hdf5_mutators`.
"""

from __future__ import annotations

import io
import json
import random
import re
import struct
import zipfile
from typing import Any, Callable

Mutator = Callable[[bytes, random.Random], bytes]

HUGE_NUMBERS = [2**31, 2**63 - 1, 2**64, 10**12, 10**30, -1, -(2**63), 0, 1e308, -1e308, 0.5]
NEST = "__nested_list_of_depth_"  # a placeholder dumps() expands
ODD_VALUES: list[Any] = [None, True, "", "x" * 1000, [], {}, [1, 2], {"a": 1}, 3.5, -7, "nan", "NaN", 10**20]


# ---- raw bytes -------------------------------------------------------------------------------------


def flip_bits(content: bytes, rng: random.Random) -> bytes:
    data = bytearray(content)
    for _ in range(rng.choice([1, 1, 2, 4, 16])):
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    return bytes(data)


def truncate(content: bytes, rng: random.Random) -> bytes:
    return content[: rng.randrange(len(content))]


def overwrite_bytes(content: bytes, rng: random.Random) -> bytes:
    data = bytearray(content)
    start = rng.randrange(len(data))
    length = min(rng.choice([1, 4, 8, 64]), len(data) - start)
    data[start : start + length] = bytes([rng.choice([0, 0xFF, 0x7F, 0x80])]) * length
    return bytes(data)


def splice(content: bytes, rng: random.Random) -> bytes:
    """A slice of the file repeated or moved elsewhere in it."""
    start = rng.randrange(len(content))
    piece = content[start : start + rng.randrange(1, 256)]
    at = rng.randrange(len(content))
    return content[:at] + piece * rng.choice([1, 2, 50]) + content[at:]


def unchanged(content: bytes, rng: random.Random) -> bytes:
    """The seed as it is (for a seed that is itself the hostile case, a zip bomb)."""
    return content


RAW: list[Mutator] = [flip_bits, truncate, overwrite_bytes, splice]


# ---- JSON values -----------------------------------------------------------------------------------


def mutate_json(value: Any, rng: random.Random) -> Any:
    """``value`` with one node (picked at random, at any depth) deleted, retyped, resized or nested deeply."""
    paths = list(_paths(value, ()))
    path = rng.choice(paths)
    action = rng.choice(["delete", "odd", "huge", "nest", "grow", "retype"])
    if action == "delete" and path:
        return _without(value, path)
    old = _get(value, path)
    if action == "odd":
        new = rng.choice(ODD_VALUES)
    elif action == "huge":
        new = rng.choice(HUGE_NUMBERS)
    elif action == "nest":
        new = f"{NEST}{rng.choice([50, 101, 5000, 100_000])}"
    elif action == "grow" and isinstance(old, list) and old:
        new = old * rng.choice([2, 1000])
    elif action == "grow" and isinstance(old, dict):
        new = {**old, f"unknown_{rng.randrange(100)}": rng.choice(ODD_VALUES)}
    else:
        new = str(old) if not isinstance(old, str) else rng.choice([0, [old], {"value": old}])
    return _with(value, path, new)


def _paths(value: Any, here: tuple) -> Any:
    yield here
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, here + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value[:50]):
            yield from _paths(item, here + (index,))


def _get(value: Any, path: tuple) -> Any:
    for step in path:
        value = value[step]
    return value


def _with(value: Any, path: tuple, new: Any) -> Any:
    if not path:
        return new
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = _with(value[path[0]], path[1:], new)
    return copy


def _without(value: Any, path: tuple) -> Any:
    if len(path) == 1:
        copy = dict(value) if isinstance(value, dict) else list(value)
        del copy[path[0]]
        return copy
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = _without(value[path[0]], path[1:])
    return copy


def dumps(value: Any) -> str:
    """JSON text of ``value``, each ``NEST<depth>`` string written as a list nested ``depth`` deep (json.dumps
    would recurse that deep)."""
    return re.sub(f'"{NEST}(\\d+)"', lambda m: "[" * int(m.group(1)) + "0" + "]" * int(m.group(1)), json.dumps(value))


# ---- safetensors -----------------------------------------------------------------------------------

DTYPES = ["F32", "F16", "BF16", "F64", "I64", "I32", "I8", "U8", "BOOL", "F8_E4M3", "C64", "XX", ""]


def split_safetensors(content: bytes) -> tuple[dict[str, Any], bytes]:
    (length,) = struct.unpack("<Q", content[:8])
    return json.loads(content[8 : 8 + length]), content[8 + length :]


def join_safetensors(header: dict[str, Any] | str, data: bytes) -> bytes:
    text = (header if isinstance(header, str) else dumps(header)).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + data


def safetensors_record(content: bytes, rng: random.Random) -> bytes:
    """One node of the rnnkit record (the JSON inside ``__metadata__["rnnkit"]``) damaged."""
    header, data = split_safetensors(content)
    metadata = dict(header.get("__metadata__", {}))
    key = rng.choice(sorted(metadata) or ["rnnkit"])
    try:
        record = json.loads(metadata.get(key, "{}"))
    except ValueError:
        record = {}
    metadata[key] = dumps(mutate_json(record, rng))
    return join_safetensors({**header, "__metadata__": metadata}, data)


def safetensors_table(content: bytes, rng: random.Random) -> bytes:
    """One tensor's entry in the table damaged: dtype, shape, offsets, or the entry itself."""
    header, data = split_safetensors(content)
    names = [name for name in header if name != "__metadata__"]
    if not names:
        return flip_bits(content, rng)
    name = rng.choice(names)
    entry = dict(header[name])
    action = rng.choice(["dtype", "shape", "shape", "offsets", "offsets", "drop", "rename", "json"])
    if action == "dtype":
        entry["dtype"] = rng.choice(DTYPES)
    elif action == "shape":
        shape = list(entry.get("shape", []))
        change = rng.choice(["dim", "add", "remove", "odd"])
        if change == "dim" and shape:
            shape[rng.randrange(len(shape))] = rng.choice([0, 1, 2, 3, 10**6, 2**40, -1])
        elif change == "add":
            shape.insert(rng.randrange(len(shape) + 1), rng.choice([1, 2, 0]))
        elif change == "remove" and shape:
            shape.pop(rng.randrange(len(shape)))
        else:
            shape = rng.choice([None, "3", [1.5], [[2]], {}])
        entry["shape"] = shape
    elif action == "offsets":
        start, end = entry.get("data_offsets", [0, 0])
        entry["data_offsets"] = rng.choice([[end, start], [start, end + 8], [start + 4, end + 4], [0, 2**62], [-8, end], [start, start],
                                            [start], "0,4"])
    elif action == "drop":
        header = {k: v for k, v in header.items() if k != name}
        return join_safetensors(header, data)
    elif action == "rename":
        header = {("model/ghost" if k == name else k): v for k, v in header.items()}
        return join_safetensors(header, data)
    else:
        entry = mutate_json(entry, rng)
    return join_safetensors({**header, name: entry}, data)


def safetensors_length(content: bytes, rng: random.Random) -> bytes:
    """The 8-byte header length made to lie."""
    (length,) = struct.unpack("<Q", content[:8])
    new = rng.choice([0, 1, length - 1, length + 1, length * 2, len(content), 2**63, 2**64 - 1])
    return struct.pack("<Q", new) + content[8:]


SAFETENSORS: list[Mutator] = [safetensors_record] * 4 + [safetensors_table] * 3 + [safetensors_length] + RAW


# ---- zip archives (.keras, .npz) -------------------------------------------------------------------


def rezip(members: list[tuple[zipfile.ZipInfo, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in members:
            archive.writestr(info.filename, data)
    return buffer.getvalue()


def zip_members(content: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return [(info, archive.read(info)) for info in archive.infolist()]


def zip_json_member(content: bytes, rng: random.Random) -> bytes:
    """One node of a JSON member (``config.json``, ``metadata.json``) damaged, or the member dropped."""
    members = zip_members(content)
    jsons = [i for i, (info, _) in enumerate(members) if info.filename.endswith(".json")]
    if not jsons:
        return zip_member_bytes(content, rng)
    index = rng.choice(jsons)
    info, data = members[index]
    if rng.random() < 0.1:
        return rezip(members[:index] + members[index + 1 :])
    members[index] = (info, dumps(mutate_json(json.loads(data), rng)).encode())
    return rezip(members)


def zip_member_bytes(content: bytes, rng: random.Random, mutators: list[Mutator] | None = None) -> bytes:
    """One member's own bytes damaged (with ``mutators``, default: raw), the archive rewritten around it."""
    members = zip_members(content)
    index = rng.randrange(len(members))
    info, data = members[index]
    if data:
        members[index] = (info, rng.choice(mutators or RAW)(data, rng))
    return rezip(members)


def zip_declared_sizes(content: bytes, rng: random.Random) -> bytes:
    """A size the zip declares (a local or central header's compressed/uncompressed size) made to lie."""
    data = bytearray(content)
    spots = [(m, 18 if m_sig == b"PK\x03\x04" else 20) for m_sig in (b"PK\x03\x04", b"PK\x01\x02") for m in _find_all(data, m_sig)]
    if not spots:
        return flip_bits(content, rng)
    start, offset = rng.choice(spots)
    field = start + offset + rng.choice([0, 4])  # compressed size, then uncompressed size
    struct.pack_into("<I", data, field, rng.choice([0, 1, 0xFFFFFFFF, 0x7FFFFFFF, struct.unpack_from("<I", data, field)[0] * 1000 % 2**32]))
    return bytes(data)


def _find_all(data: bytearray, signature: bytes) -> list[int]:
    found, at = [], data.find(signature)
    while at >= 0:
        found.append(at)
        at = data.find(signature, at + 1)
    return found


ZIP: list[Mutator] = [zip_json_member] * 4 + [zip_member_bytes, zip_declared_sizes] + RAW


# ---- NPZ (.npy headers) ----------------------------------------------------------------------------


def npy_header(content: bytes, rng: random.Random) -> bytes:
    """One ``.npy`` member's header shape or dtype edited (the data left as it is)."""
    members = zip_members(content)
    index = rng.randrange(len(members))
    info, data = members[index]
    end = data.find(b"\n") + 1
    if not data.startswith(b"\x93NUMPY") or end <= 0:
        return zip_member_bytes(content, rng)
    header = data[10:end].decode("latin-1")
    choice = rng.choice(["shape", "shape", "descr", "order"])
    if choice == "shape":
        shape = rng.choice(["(10000000000,)", "(4000, 1000000, 10)", "(-1,)", "()", "(0,)", "(3, 3)", "(2**64,)", "(4, 'a')"])
        header = _replace_value(header, "shape", shape)
    elif choice == "descr":
        header = _replace_value(header, "descr", rng.choice(["'<f8'", "'|O'", "'<U100000000'", "'V0'", "'>i8'", "'x'", "[('a', '<f4')]"]))
    else:
        header = _replace_value(header, "fortran_order", rng.choice(["True", "1", "'yes'"]))
    header = header.rstrip("\n").rstrip() + " " * 8
    header += " " * (-(10 + len(header) + 1) % 64) + "\n"
    members[index] = (info, data[:8] + struct.pack("<H", len(header)) + header.encode("latin-1") + data[end:])
    return rezip(members)


def _replace_value(header: str, key: str, value: str) -> str:
    start = header.find(f"'{key}':")
    if start < 0:
        return header
    start += len(key) + 3
    depth, end = 0, start
    while end < len(header):
        c = header[end]
        depth += c in "([{"
        depth -= c in ")]}"
        if depth < 0 or (depth == 0 and c == ","):
            break
        end += 1
    return header[:start] + " " + value + header[end:]


NPZ: list[Mutator] = [npy_header] * 4 + [zip_member_bytes, zip_declared_sizes] + RAW


# ---- text (user data, word vectors) ----------------------------------------------------------------

ODD_FIELDS = ["", "nan", "NaN", "inf", "-inf", "1e309", "1e38", "abc", "\x00", "\ufeff", "é", "\t", "\"", "\"x", "_", "-", "0" * 400,
              "x" * 200_000, "1-2", "1.1", "None", "null", "[1, 2]"]


def text_lines(content: bytes, rng: random.Random) -> bytes:
    """A line dropped, repeated, swapped, split, or emptied; or a field replaced by an odd one."""
    lines = content.split(b"\n")
    index = rng.randrange(len(lines))
    action = rng.choice(["drop", "repeat", "swap", "field", "field", "field", "separator", "empty", "blank"])
    line = lines[index]
    if action == "drop":
        del lines[index]
    elif action == "repeat":
        lines[index:index] = [line] * (rng.choice([2, 1000]) if len(line) < 1000 else 2)  # at most ~1 MB more
    elif action == "swap":
        other = rng.randrange(len(lines))
        lines[index], lines[other] = lines[other], line
    elif action == "field":
        separator = b"\t" if b"\t" in line else b"," if b"," in line else b" "
        fields = line.split(separator)
        fields[rng.randrange(len(fields))] = rng.choice(ODD_FIELDS).encode()
        lines[index] = separator.join(fields)
    elif action == "separator":
        lines[index] = line.replace(rng.choice([b"\t", b",", b" "]), rng.choice([b"", b"\t\t", b",", b" ", b";"]))
    elif action == "empty":
        lines = lines[:1]
    else:
        lines.insert(index, b"")
    return b"\n".join(lines)


def text_encoding(content: bytes, rng: random.Random) -> bytes:
    """The text re-encoded (UTF-16, Latin-1), given a BOM, CR line ends, or binary noise."""
    text = content.decode("utf-8", "replace")
    return rng.choice([text.encode("utf-16"), text.encode("latin-1", "replace") + "é".encode("latin-1"), b"\xef\xbb\xbf" + content,
                       content.replace(b"\n", b"\r"), content + bytes(range(256)), bytes(rng.randrange(256) for _ in range(64))])


TEXT: list[Mutator] = [text_lines] * 6 + [text_encoding] + RAW


def vector_header(content: bytes, rng: random.Random) -> bytes:
    """The word2vec ``COUNT DIMENSION`` header made to lie."""
    first, _, rest = content.partition(b"\n")
    count, dimension = rng.choice([(200_000_000, 300), (5, 10**9), (0, 4), (10**6, 4), (5, 0), (-1, 4), (5, 3), (6, 4)])
    return f"{count} {dimension}".encode() + b"\n" + rest


VECTORS: list[Mutator] = [vector_header] * 3 + TEXT
