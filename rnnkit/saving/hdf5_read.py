"""Reading HDF5 files rnnkit does not trust: pyfive's pure-Python parser behind guards.

Why not h5py here: libhdf5 is C. A damaged ``.h5`` crashed it (a segmentation fault takes the
whole process), made it spin forever, and libhdf5 follows what a file points at: external
storage in any raw file (``/etc/passwd`` as weights), external links and virtual datasets in
other HDF5 files. ``pyfive`` parses the format in Python, so damage is an exception, never a
crash. Around it this module makes sure that

- every read pyfive makes goes through :class:`_Source`: clamped to the end of the file, no
  metadata block over :data:`rnnkit.limits.MAX_JSON_BYTES`, and all of them together bounded (a
  million reads, the file's size and 16 MiB in bytes), so a B-tree, heap or header that points
  back into itself ends in an error within seconds instead of a loop;
- nothing is followed out of the file: external links, external storage, virtual datasets,
  dangling soft links and filters other than deflate, shuffle and fletcher32 (what h5py writes)
  are refused with :class:`~rnnkit.errors.ForeignReferenceError`;
- sizes come before allocation: an attribute's declared size against the bytes its message
  holds; a dataset's shape × dtype against the cap (:func:`rnnkit.limits.check_bytes`) and
  against what is stored; compressed chunks are inflated with a bound and a ratio deflate
  cannot reach is refused before inflating;
- every failure is a :class:`~rnnkit.errors.FileFormatError` naming the file and the HDF5 path.

The interface is a small subset of h5py's, so :mod:`rnnkit.saving` needs nothing of pyfive::

    with open_hdf5(path) as root:                 # or open_hdf5(path, io.BytesIO(data), member="model.weights.h5")
        root.attrs["model_config"]                # attributes: numpy values, bytes for strings
        group = root.get("model_weights/lstm")    # Hdf5Group, Hdf5Dataset or None
        array = group.get("kernel").read()        # a numpy array in native byte order

h5py still writes rnnkit's HDF5 files: writing is not where untrusted bytes come in.
"""

from __future__ import annotations

import io
import math
import os
import posixpath
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any, BinaryIO

import numpy as np
from pyfive.btree import BTreeV1RawDataChunks
from pyfive.core import UNDEFINED_ADDRESS, InvalidHDF5File
from pyfive.dataobjects import DATA_STORAGE_MSG_TYPE, DATASPACE_MSG_TYPE, DATATYPE_MSG_TYPE, EXTERNAL_DATA_FILES_MSG_TYPE, DataObjects, determine_data_shape
from pyfive.datatype_msg import DatatypeMessage
from pyfive.misc_low_level import FORMAT_SIGNATURE as SIGNATURE, SuperBlock
from pyfive.p5t import P5EnumType, P5FixedStringType, P5FloatType, P5IntegerType, P5VlenStringType

from .. import limits
from ..errors import FileFormatError, FileLimitError, ForeignReferenceError

# What pyfive (and struct, zlib, numpy under it) raise on a damaged file. Only the calls into the
# parser are guarded by these, never rnnkit's own logic.
_PARSER_FAILURES = (
    InvalidHDF5File, AssertionError, NotImplementedError, struct.error, zlib.error, ValueError, KeyError,
    IndexError, TypeError, ArithmeticError, OSError, EOFError, RecursionError, MemoryError,
)
_LINK_HARD, _LINK_SOFT, _LINK_EXTERNAL = 0, 1, 64
_LAYOUT_COMPACT, _LAYOUT_CONTIGUOUS, _LAYOUT_CHUNKED, _LAYOUT_VIRTUAL = 0, 1, 2, 3
_DEFLATE, _SHUFFLE, _FLETCHER32 = 1, 2, 3
_FILTER_NAMES = {_DEFLATE: "deflate", _SHUFFLE: "shuffle", _FLETCHER32: "fletcher32", 4: "szip", 5: "nbit", 6: "scaleoffset", 32000: "lzf"}
# Deflate's best case is 1032:1 (long runs of one byte); a chunk claiming more is not deflate data.
MAX_DEFLATE_RATIO = 1100
_MAX_SOFT_LINK_HOPS = 16
# Attribute and dataset element types Keras and h5py write; others are refused, not guessed at.
_ATTRIBUTE_TYPES = (P5IntegerType, P5FloatType, P5EnumType, P5FixedStringType, P5VlenStringType)
_NUMERIC_KINDS = "biuf"


# What pyfive may read of one file. Keras files read their metadata about once: the fixtures take
# under 1,000 reads and 65 KB (a 164 MB model: 990 reads, 62 KB); 1,000 Dense layers (2,000
# weights) 43,000 reads, so the read bound allows some 40,000 weights. A damaged structure that
# points back into itself ends at these, after at most a few seconds of parsing.
_MAX_METADATA_READS = 1_000_000
# One object header: the fixtures' take at most 5 reads and 400 bytes. pyfive appends each
# continuation block to the header's bytes, so a header that continues into itself would cost
# time quadratic in its reads: it is bounded on its own.
_MAX_HEADER_READS, _MAX_HEADER_BYTES = 256, 4 << 20


def _max_metadata_bytes(size: int) -> int:
    return size + (16 << 20)


class _Source:
    """The file as pyfive sees it: each read clamped to the file, at most a JSON document's size,
    and counted against the budgets above, so that no damaged structure loops for long.

    Data reads (:meth:`read_at`) are not counted: the caller checked their extent against the
    file. It has no ``fileno``, so pyfive never reopens the file by name or maps it.
    """

    closed = False

    def __init__(self, file: _File, stream: BinaryIO, size: int):
        self._file, self._stream, self.size = file, stream, size
        self._position = 0
        self._left = [_MAX_METADATA_READS, _max_metadata_bytes(size)]  # reads, bytes
        self._header_left: list[int] = []  # the same, for the object header being parsed
        self._where = "metadata"

    @contextmanager
    def one_header(self, name: str) -> Iterator[None]:
        """Bound the reads of the object header of ``name`` parsed inside (see :data:`_MAX_HEADER_READS`)."""
        self._header_left, self._where = [_MAX_HEADER_READS, _MAX_HEADER_BYTES], name
        try:
            yield
        finally:
            self._header_left, self._where = [], "metadata"

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self.size}[whence]
        if base + offset < 0:
            raise InvalidHDF5File(f"an address before the start of the file ({base + offset})")
        self._position = base + offset
        return self._position

    def tell(self) -> int:
        return self._position

    def read(self, size: int | None = -1) -> bytes:
        left = max(self.size - self._position, 0)
        size = left if size is None or size < 0 else min(size, left)
        if size > limits.MAX_JSON_BYTES:
            raise FileLimitError(self._file.path, field=self._file.field("metadata"),
                                 expected=f"HDF5 metadata blocks of at most {limits.MAX_JSON_BYTES:,} bytes", found=f"{size:,} bytes")
        for left in (self._left, self._header_left):
            if left:
                left[0] -= 1
                left[1] -= size
                if left[0] < 0 or left[1] < 0:
                    raise FileFormatError(self._file.path, field=self._file.field(self._where),
                                          problem="the HDF5 structure is damaged: reading it does not end (a B-tree, heap or header that points back into itself?)")
        if size == 0:
            return b""
        data = self.read_at(self._position, size)
        self._position += len(data)
        return data

    def read_at(self, offset: int, size: int) -> bytes:
        self._stream.seek(offset)
        return self._stream.read(size)

    def read_array(self, offset: int, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
        """``shape`` × ``dtype`` bytes from ``offset`` (checked present) read straight into an array."""
        array = np.empty(shape, dtype)
        self._stream.seek(offset)
        if self._stream.readinto(array.reshape(-1).view(np.uint8)) != array.nbytes:
            raise InvalidHDF5File(f"the data at {offset} ends early (the file changed while it was read?)")
        return array


class _File:
    """One open HDF5 file: its source, the display name for errors, and the parsed object headers."""

    def __init__(self, path: str, stream: BinaryIO, size: int, member: str | None):
        self.path, self.member = path, member
        self.source = _Source(self, stream, size)
        self._objects: dict[int, _Objects] = {}
        self.global_heaps: dict = {}
        self.root: Hdf5Group | None = None

    def field(self, name: str) -> str:
        """How errors name a place in the file: the HDF5 path, behind the zip member if there is one."""
        return f"{self.member}:{name}" if self.member else name

    @contextmanager
    def parsing(self, name: str) -> Iterator[None]:
        """Turn a parser failure while reading ``name`` into a FileFormatError naming the file and ``name``."""
        try:
            yield
        except FileFormatError:
            raise
        except _PARSER_FAILURES as error:
            detail = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
            raise FileFormatError(self.path, field=self.field(name), problem=f"the HDF5 file is damaged ({detail})") from None

    def objects(self, address: int, name: str) -> _Objects:
        """The object header at ``address`` (parsed once: hard links may share it)."""
        if address not in self._objects:
            if not 0 <= address < self.source.size:
                raise FileFormatError(self.path, field=self.field(name), problem=f"the HDF5 file is damaged: an object at {address}, past its end")
            self._objects[address] = _Objects(self, address, name)
        return self._objects[address]


class _Objects(DataObjects):
    """pyfive's object header, with links and attributes checked before pyfive decodes them."""

    def __init__(self, file: _File, address: int, name: str):
        self.file, self.name = file, name
        self._links: dict[str, int | str] | None = None
        with file.source.one_header(name):
            super().__init__(file.source, address, global_heaps=file.global_heaps)

    def links(self) -> dict[str, int | str]:
        """Link name → object address (hard links) or target path (soft links), parsed once."""
        if self._links is None:
            links = dict(self.iter_links())
            for name in links:
                if not name or name in (".", "..") or "/" in name:
                    raise InvalidHDF5File(f"a link named {name!r}, which HDF5 does not allow")
            self._links = links
        return self._links

    def _decode_link_msg(self, data: bytes, offset: int) -> tuple[int | None, tuple[str, int | str]]:
        """A link message (compact or from a dense group's heap): hard and soft links; others refused."""
        version, flags = struct.unpack_from("<BB", data, offset)
        if version != 1:
            raise InvalidHDF5File(f"link message version {version}")
        offset += 2
        kind = _LINK_HARD
        if flags & 0x08:
            kind = data[offset]
            offset += 1
        order = None
        if flags & 0x04:
            (order,) = struct.unpack_from("<Q", data, offset)
            offset += 8
        encoding = "ascii"
        if flags & 0x10:
            encoding = "utf-8" if data[offset] == 1 else "ascii"
            offset += 1
        width = 1 << (flags & 3)
        length = int.from_bytes(data[offset:offset + width], "little")
        offset += width
        name = data[offset:offset + length].decode(encoding)
        offset += length
        if kind == _LINK_HARD:
            return order, (name, struct.unpack_from("<Q", data, offset)[0])
        if kind == _LINK_SOFT:
            (size,) = struct.unpack_from("<H", data, offset)
            return order, (name, data[offset + 2:offset + 2 + size].decode(encoding))
        where = self.file.field(posixpath.join(self.name, name))
        if kind == _LINK_EXTERNAL:
            target = data[offset + 3:].split(b"\x00")[:2]
            raise ForeignReferenceError(self.file.path, field=where, problem=f"an external link to {b':'.join(target).decode('utf-8', 'replace')!r}; rnnkit reads only the file it was given")
        raise ForeignReferenceError(self.file.path, field=where, problem=f"a user-defined link (type {kind}), which resolves outside the file")

    def _parse_attribute_msg(self, buffer: bytes, offset: int) -> tuple[str, Any]:
        """One attribute, once its type is one Keras writes and its declared size is in ``buffer``."""
        version, _, name_size, type_size, space_size = struct.unpack_from("<BBHHH", buffer, offset)
        if version == 1:
            pad = lambda size: -(-size // 8) * 8  # noqa: E731  (version 1 pads each field to 8 bytes)
            at = offset + 8
        elif version == 3:
            pad = lambda size: size  # noqa: E731
            at = offset + 9
        else:
            raise NotImplementedError(f"attribute message version {version}")
        name = buffer[at:at + name_size].rstrip(b"\x00").decode("utf-8", "replace")
        type_at = at + pad(name_size)
        space_at = type_at + pad(type_size)
        data_at = space_at + pad(space_size)
        where = self.file.field(f"{self.name} attribute {name!r}")
        ptype = DatatypeMessage(buffer, type_at).ptype
        if not isinstance(ptype, _ATTRIBUTE_TYPES):
            raise FileFormatError(self.file.path, field=where, problem=f"an attribute of a type Keras never writes ({type(ptype).__name__.removeprefix('P5')})")
        shape, _ = determine_data_shape(buffer, space_at)
        (item_size,) = struct.unpack_from("<I", buffer, type_at + 4)
        item_size = 16 if isinstance(ptype, P5VlenStringType) else max(item_size, 1)  # a vlen string: a 16-byte heap handle
        declared = math.prod(shape) * item_size if shape is not None else 0
        limits.check_bytes(self.file.path, where, declared, present=max(len(buffer) - data_at, 0))
        return super()._parse_attribute_msg(buffer, offset)


class Hdf5Group:
    """A group: attributes and named members (groups and datasets), looked up by path."""

    def __init__(self, file: _File, name: str, objects: _Objects):
        self._file, self.name, self._objects = file, name, objects

    @property
    def attrs(self) -> dict[str, Any]:
        with self._file.parsing(self.name):
            return self._objects.get_attributes()  # parsed once by pyfive

    def __iter__(self) -> Iterator[str]:
        return iter(self._members())

    def __len__(self) -> int:
        return len(self._members())

    def __contains__(self, path: str) -> bool:
        return self.get(path) is not None

    def get(self, path: str) -> Hdf5Group | Hdf5Dataset | None:
        """The group or dataset at ``path`` (relative, or absolute from the root), None if there is none."""
        return self._get(path, hops=0)

    def has_datasets(self) -> bool:
        """Whether any dataset lies below this group (each group visited once, cycles included)."""
        seen, pending = {self._objects.offset}, [self]
        while pending:
            group = pending.pop()
            for name in group:
                item = group.get(name)
                if isinstance(item, Hdf5Dataset):
                    return True
                if isinstance(item, Hdf5Group) and item._objects.offset not in seen:
                    seen.add(item._objects.offset)
                    pending.append(item)
        return False

    def _members(self) -> dict[str, int | str]:
        with self._file.parsing(self.name):
            return self._objects.links()

    def _get(self, path: str, hops: int) -> Hdf5Group | Hdf5Dataset | None:
        item: Hdf5Group | Hdf5Dataset = self._file.root if path.startswith("/") else self
        for part in filter(None, path.split("/")):
            if not isinstance(item, Hdf5Group):
                return None
            links = item._members()
            if part not in links:
                return None
            name, target = posixpath.join(item.name, part), links[part]
            if isinstance(target, str):
                target = item._follow(name, target, hops)
            item = item._item(name, target)
        return item

    def _follow(self, name: str, target: str, hops: int) -> int:
        """The address of a soft link's target, inside this file; a link that dangles or loops is refused."""
        if hops >= _MAX_SOFT_LINK_HOPS:
            raise FileFormatError(self._file.path, field=self._file.field(name), problem=f"soft links that lead on through more than {_MAX_SOFT_LINK_HOPS} others (a loop?)")
        item = self._get(target, hops + 1)
        if item is None:
            raise ForeignReferenceError(self._file.path, field=self._file.field(name), problem=f"a soft link to {target!r}, which is not in the file")
        return item._objects.offset

    def _item(self, name: str, address: int) -> Hdf5Group | Hdf5Dataset:
        with self._file.parsing(name):
            objects = self._file.objects(address, name)
            kinds = {message["type"] for message in objects.msgs}
        if DATASPACE_MSG_TYPE in kinds:
            return Hdf5Dataset(self._file, name, objects)
        if objects.msgs and objects.msgs[0]["type"] == DATATYPE_MSG_TYPE:
            raise FileFormatError(self._file.path, field=self._file.field(name), problem="a named datatype where a group or dataset was expected")
        return Hdf5Group(self._file, name, objects)


class Hdf5Dataset:
    """An array stored in the file; :meth:`read` checks its size and storage before allocating it."""

    def __init__(self, file: _File, name: str, objects: _Objects):
        self._file, self.name, self._objects = file, name, objects

    @property
    def shape(self) -> tuple[int, ...]:
        with self._file.parsing(self.name):
            shape = self._objects.shape
        return tuple(shape) if shape is not None else ()

    @property
    def dtype(self) -> np.dtype:
        with self._file.parsing(self.name):
            return self._objects.ptype.dtype

    def read(self) -> np.ndarray:
        """The whole dataset as a numeric array (a 0-d array for a scalar), in native byte order."""
        file, field = self._file, self._file.field(self.name)
        with file.parsing(self.name):
            layout, properties = self._layout()
            msg_data = self._objects.msg_data
            dtype = self._objects.ptype.dtype
            if dtype.kind not in _NUMERIC_KINDS or dtype.itemsize == 0:
                raise FileFormatError(file.path, field=field, expected="a numeric array", found=f"data of type {dtype}")
            shape = self.shape
            declared = math.prod(shape) * dtype.itemsize
            limits.check_bytes(file.path, field, declared)
            pipeline = self._objects.filter_pipeline or []
            if pipeline and layout != _LAYOUT_CHUNKED:
                raise FileFormatError(file.path, field=field, problem="the HDF5 file is damaged: filters on unchunked storage")
            if layout == _LAYOUT_CHUNKED:
                array = _Chunks(file, field, msg_data, properties, shape, dtype, pipeline).read()
            elif layout == _LAYOUT_CONTIGUOUS:
                address, size = struct.unpack_from("<QQ", msg_data, properties)
                present = 0 if address == UNDEFINED_ADDRESS else min(size, max(file.source.size - address, 0))
                limits.check_bytes(file.path, field, declared, present)
                array = file.source.read_array(address, shape, dtype) if declared else np.zeros(shape, dtype)
            else:  # compact: the data is in the layout message
                (size,) = struct.unpack_from("<H", msg_data, properties)
                data = msg_data[properties + 2:properties + 2 + min(size, declared)]
                limits.check_bytes(file.path, field, declared, len(data))
                array = np.frombuffer(data, dtype).reshape(shape).copy()
            if not dtype.isnative:
                array = array.byteswap(inplace=True).view(dtype.newbyteorder("="))
            return array

    def _layout(self) -> tuple[int, int]:
        """(layout class, offset of its properties in the header): storage rnnkit reads, in this file."""
        file, field, objects = self._file, self._file.field(self.name), self._objects
        if objects.find_msg_type(EXTERNAL_DATA_FILES_MSG_TYPE):
            raise ForeignReferenceError(file.path, field=field, problem="its data is stored in another file (HDF5 external storage); rnnkit reads only the file it was given")
        layouts = objects.find_msg_type(DATA_STORAGE_MSG_TYPE)
        if not layouts:
            raise FileFormatError(file.path, field=field, problem="the HDF5 file is damaged: a dataset without a storage layout")
        message = layouts[0]["offset_to_message"]
        version, layout = objects.msg_data[message], objects.msg_data[message + 1]
        if layout == _LAYOUT_VIRTUAL:
            raise ForeignReferenceError(file.path, field=field, problem="a virtual dataset: its data is mapped from other files; rnnkit reads only the file it was given")
        if version not in (3, 4) or (version == 4 and layout == _LAYOUT_CHUNKED):
            raise FileFormatError(file.path, field=field, problem=f"storage described by an HDF5 layout message of version {version}, which rnnkit does not read "
                                  "(it reads what h5py writes by default: version 3; files written with libver='latest' may use 4)")
        if layout not in (_LAYOUT_COMPACT, _LAYOUT_CONTIGUOUS, _LAYOUT_CHUNKED):
            raise FileFormatError(file.path, field=field, problem=f"the HDF5 file is damaged (storage layout class {layout})")
        return layout, message + 2


class _Chunks:
    """A chunked dataset's data: the chunk index checked against the shape and the file, then each
    chunk read, inflated with a bound, unshuffled and checksummed as its filter pipeline says."""

    def __init__(self, file: _File, field: str, msg_data: bytes, properties: int, shape: tuple[int, ...], dtype: np.dtype, pipeline: list[dict]):
        self.file, self.field, self.shape, self.dtype, self.pipeline = file, field, shape, dtype, pipeline
        unknown = [entry["filter_id"] for entry in pipeline if entry["filter_id"] not in (_DEFLATE, _SHUFFLE, _FLETCHER32)]
        if unknown:
            names = ", ".join(f"{i} ({_FILTER_NAMES.get(i, 'user-defined')})" for i in unknown)
            raise ForeignReferenceError(file.path, field=field, problem=f"compressed with filter {names}, which needs code from outside the file; rnnkit reads deflate, shuffle and fletcher32")
        dims, self.index_address = struct.unpack_from("<BQ", msg_data, properties)
        sizes = struct.unpack_from(f"<{dims}I", msg_data, properties + 9)
        self.chunk, item_size = tuple(sizes[:-1]), sizes[-1]
        if len(self.chunk) != len(shape) or item_size != dtype.itemsize or not all(0 < c <= max(s, 1) for c, s in zip(self.chunk, shape)):
            raise FileFormatError(file.path, field=field, problem=f"the HDF5 file is damaged: chunks of {self.chunk} × {item_size} bytes for data of shape {shape} × {dtype.itemsize}")
        self.chunk_bytes = math.prod(self.chunk) * dtype.itemsize

    def read(self) -> np.ndarray:
        if math.prod(self.shape) == 0:
            return np.zeros(self.shape, self.dtype)
        entries = self._index()
        array = np.empty(self.shape, self.dtype)
        for start, (address, size, mask) in entries.items():
            data = np.frombuffer(self._decoded(self.file.source.read_at(address, size), mask), self.dtype).reshape(self.chunk)
            region = tuple(slice(s, min(s + c, n)) for s, c, n in zip(start, self.chunk, self.shape))
            array[region] = data[tuple(slice(0, r.stop - r.start) for r in region)]
        return array

    def _index(self) -> dict[tuple[int, ...], tuple[int, int, int]]:
        """Chunk start → (address, stored size, filter mask), once every chunk is known to be there."""
        grid = math.prod(-(-s // c) for s, c in zip(self.shape, self.chunk))
        declared = math.prod(self.shape) * self.dtype.itemsize
        if self.index_address == UNDEFINED_ADDRESS:
            limits.check_bytes(self.file.path, self.field, declared, present=0)
        tree = BTreeV1RawDataChunks(self.file.source, self.index_address, len(self.chunk) + 1)
        entries: dict[tuple[int, ...], tuple[int, int, int]] = {}
        ratio = MAX_DEFLATE_RATIO if any(entry["filter_id"] == _DEFLATE for entry in self.pipeline) else 1
        for node in tree.all_nodes.get(0, []):
            for key, address in zip(node["keys"], node["addresses"]):
                start, size = tuple(key["chunk_offset"][:-1]), key["chunk_size"]
                if start in entries or any(s % c or s >= n for s, c, n in zip(start, self.chunk, self.shape)) or address + size > self.file.source.size:
                    raise FileFormatError(self.file.path, field=self.field, problem=f"the HDF5 file is damaged: a chunk at {start} ({size} bytes at {address}) outside the data or the file")
                if self.chunk_bytes > size * ratio:
                    raise FileLimitError(self.file.path, field=self.field, expected=f"chunks of at most {ratio}:1 their stored size" + (" (deflate's limit)" if ratio > 1 else ""),
                                         found=f"a chunk of {size:,} bytes that declares {self.chunk_bytes:,}" + (": a decompression bomb" if ratio > 1 else ""))
                entries[start] = (address, size, key["filter_mask"])
        if len(entries) != grid:
            stored = sum(size for _, size, _ in entries.values())
            raise FileLimitError(self.file.path, field=self.field, expected=f"{declared:,} bytes in {grid} chunks as declared", found=f"{len(entries)} chunks ({stored:,} bytes) in the file")
        return entries

    def _decoded(self, data: bytes, mask: int) -> bytes:
        """Undo the pipeline's filters, last first (a set bit in ``mask`` skips that filter)."""
        limit = self.chunk_bytes + 4 * len(self.pipeline)
        for position in reversed(range(len(self.pipeline))):
            if mask & (1 << position):
                continue
            kind = self.pipeline[position]["filter_id"]
            if kind == _DEFLATE:
                inflater = zlib.decompressobj()
                data = inflater.decompress(data, limit + 1)
                if len(data) > limit:
                    raise FileLimitError(self.file.path, field=self.field, expected=f"chunks of {self.chunk_bytes:,} bytes", found="a chunk that inflates to more")
            elif kind == _SHUFFLE:
                data = _unshuffled(data, self.dtype.itemsize)
            else:
                BTreeV1RawDataChunks._verify_fletcher32(data)
                data = data[:-4]
        if len(data) != self.chunk_bytes:
            raise FileFormatError(self.file.path, field=self.field, expected=f"chunks of {self.chunk_bytes:,} bytes", found=f"a chunk of {len(data):,}")
        return data


def _unshuffled(data: bytes, item_size: int) -> bytes:
    """Undo HDF5's shuffle filter: byte ``j`` of every element was stored together; a tail that is
    not a whole element is left as it is."""
    count = len(data) // item_size
    body = np.frombuffer(data, np.uint8, count * item_size).reshape(item_size, count)
    return body.T.tobytes() + data[count * item_size:]


@contextmanager
def open_hdf5(path: str | os.PathLike, source: BinaryIO | None = None, member: str | None = None) -> Iterator[Hdf5Group]:
    """``with open_hdf5(path) as root``: the root group of the HDF5 file ``path``.

    ``source`` reads the bytes from a stream instead (the weights inside a ``.keras`` archive);
    ``member`` then names them in errors (``x.keras: model.weights.h5:/layers/lstm/vars/0: ...``).
    """
    path = os.fspath(path)
    with open(path, "rb") if source is None else nullcontext(source) as stream:
        size = stream.seek(0, io.SEEK_END)
        file = _File(path, stream, size, member)
        with file.parsing("/"):
            if file.source.read(len(SIGNATURE)) != SIGNATURE:
                raise FileFormatError(path, field=file.field("/"), problem="this is not an HDF5 file (its first bytes are not HDF5's signature)")
            superblock = SuperBlock(file.source, 0)
            if superblock._contents["base_address"]:
                raise FileFormatError(path, field=file.field("/"), problem="an HDF5 file with a user block, which Keras never writes")
            file.root = Hdf5Group(file, "/", file.objects(superblock.offset_to_dataobjects, "/"))
        yield file.root

