"""Frames (RGB arrays) into an animated GIF (Pillow) or an MP4 video (ffmpeg, through imageio-ffmpeg).

A movie is written beside its place (".name.partial.gif") and renamed into it when the last
frame is in; a discarded or failed movie leaves no file behind. A GIF frame has 256 colours: the
first frame's own (Pillow's fast octree, no dithering), which later frames are mapped onto, so
buttons and backgrounds keep one colour through the movie instead of flickering; a frame with
colours the palette lacks (a message strip appears, a new run's colour) gets a palette of its
own, which the frames after it then use. Equal frames in a row become one GIF frame shown for
their total time (Pillow's writer merges them), so the GIF plays exactly as long as the frames
it was given. The same frames always give the same bytes; MP4 (H.264, yuv420p, which every player opens) needs the optional extra
`pip install gradviz[video]`, which brings a static ffmpeg.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from pathlib import Path

import numpy as np

__all__ = ["MAX_FPS", "MAX_GIF_FRAMES", "MOVIE_FORMATS", "Movie", "gif_frame_ms", "movie_problem", "open_movie"]

MOVIE_FORMATS = {"gif": "an animated GIF", "mp4": "an MP4 video"}
# a GIF's frame time is whole hundredths of a second and players slow anything under 2/100 s down to 1/10 s
MAX_FPS = {"gif": 50, "mp4": 60}
# a frame needs its own palette when more than this share of its pixels would change colour by more
# than NEW_COLOUR (the sum of |ΔR|, |ΔG|, |ΔB|) on the palette in use
NEW_COLOUR = 40
NEW_COLOUR_SHARE = 2e-4
# GIF frames are kept (quantised, ~1 byte a pixel) until the file is written at the end
MAX_GIF_FRAMES = 1000
VIDEO_EXTRA = "pip install 'gradviz[video]'"


def movie_problem(path: str | os.PathLike, fps: float, frames: int = 1) -> str | None:
    """Why a movie cannot be written to `path` at `fps` with `frames` frames, in words (None: it can)."""
    path = Path(path)
    kind = path.suffix.lower().lstrip(".")
    if kind not in MOVIE_FORMATS:
        shown = " or ".join(f".{k} ({what})" for k, what in MOVIE_FORMATS.items())
        return f"cannot record {path.name}: a recording is {shown}"
    if not path.parent.is_dir():
        return f"cannot record {path.name}: the folder {path.parent} does not exist"
    if not (0 < fps <= MAX_FPS[kind]):
        return f"cannot record {path.name}: {kind.upper()} plays 1 to {MAX_FPS[kind]} frames a second, not {fps:g}"
    if kind == "gif" and frames > MAX_GIF_FRAMES:
        return f"cannot record {path.name}: a GIF holds at most {MAX_GIF_FRAMES:,} frames ({frames:,} asked); record an MP4"
    if kind == "mp4" and _ffmpeg() is None:
        return f"cannot record {path.name}: MP4 needs ffmpeg, which comes with {VIDEO_EXTRA}"
    return None


def gif_frame_ms(fps: float) -> int:
    """How long a GIF shows a frame at `fps`: whole hundredths of a second, at least two."""
    return max(2, round(100 / fps)) * 10


def _ffmpeg():
    try:
        import imageio_ffmpeg
    except ImportError:
        return None
    return imageio_ffmpeg


class Movie(ABC):
    """A movie being written: `add` frames of one size, then `finish` (the file appears) or `discard`."""

    def __init__(self, path: Path, fps: float):
        self.path = path
        self.fps = fps
        self.frames = 0
        self.size: tuple[int, int] | None = None  # width, height
        self.partial = path.with_name(f".{path.stem}.partial{path.suffix}")

    def add(self, frame: np.ndarray) -> None:
        """One frame, height × width × 3 uint8 RGB; every frame has the first one's size."""
        height, width = frame.shape[:2]
        if self.size is None:
            self.size = (width, height)
        elif self.size != (width, height):
            raise ValueError(f"a frame of {width} × {height} in a movie of {self.size[0]} × {self.size[1]}")
        self._add(np.ascontiguousarray(frame[..., :3], dtype=np.uint8))
        self.frames += 1

    def finish(self) -> None:
        """Write what is left and put the file in its place (an OSError leaves no file)."""
        try:
            self._finish()
            os.replace(self.partial, self.path)
        finally:
            self._remove_partial()

    def discard(self) -> None:
        """Stop, leaving no file (a cancelled recording)."""
        try:
            self._close()
        finally:
            self._remove_partial()

    def _remove_partial(self) -> None:
        if self.partial.exists():
            self.partial.unlink()

    @abstractmethod
    def _add(self, frame: np.ndarray) -> None:
        """Take one frame (encode it, or keep it for the end)."""

    @abstractmethod
    def _finish(self) -> None:
        """Complete `self.partial`."""

    @abstractmethod
    def _close(self) -> None:
        """Let go of what is held (frames, the encoder) without completing the file."""


class _Gif(Movie):
    def __init__(self, path: Path, fps: float):
        super().__init__(path, fps)
        self._images = []
        self._palette = None  # the last frame quantised on its own: later frames use its colours

    def _add(self, frame: np.ndarray) -> None:
        from PIL import Image

        image = Image.fromarray(frame, "RGB")
        quantized = None
        if self._palette is not None:  # the colours in use: flat areas keep one colour (no flicker)
            quantized = image.quantize(palette=self._palette, dither=Image.Dither.NONE)
            palette = np.array(quantized.getpalette(), np.int16).reshape(-1, 3)
            mapped = palette[np.asarray(quantized)[::2, ::2]]  # every other pixel: a new colour covers many
            error = np.abs(mapped - frame[::2, ::2]).sum(axis=2)
            if np.count_nonzero(error > NEW_COLOUR) > NEW_COLOUR_SHARE * error.size:
                quantized = None  # colours the palette lacks (a message, a new run): a palette of its own
        if quantized is None:
            quantized = image.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
            self._palette = quantized
        self._images.append(quantized)

    def _finish(self) -> None:
        if not self._images:
            raise OSError("no frames to write")
        first, *rest = self._images
        duration = gif_frame_ms(self.fps)
        first.save(self.partial, format="GIF", save_all=True, append_images=rest, duration=duration, loop=0)
        self._images = []

    def _close(self) -> None:
        self._images = []


class _Mp4(Movie):
    def __init__(self, path: Path, fps: float):
        super().__init__(path, fps)
        self._writer = None

    def _add(self, frame: np.ndarray) -> None:
        # H.264 in yuv420p needs an even width and height: pad with the frame's edge, never scale
        height, width = frame.shape[:2]
        frame = np.pad(frame, ((0, height % 2), (0, width % 2), (0, 0)), mode="edge")
        if self._writer is None:
            self._writer = _ffmpeg().write_frames(
                str(self.partial),
                (frame.shape[1], frame.shape[0]),
                fps=self.fps,
                codec="libx264",
                pix_fmt_in="rgb24",
                pix_fmt_out="yuv420p",
                quality=8,
                macro_block_size=1,
                ffmpeg_log_level="error",
                output_params=["-movflags", "+faststart"],
            )
            self._writer.send(None)  # start ffmpeg
        self._writer.send(frame)

    def _finish(self) -> None:
        if self._writer is None:
            raise OSError("no frames to write")
        self._close()

    def _close(self) -> None:
        writer, self._writer = self._writer, None
        if writer is not None:
            writer.close()


def open_movie(path: str | os.PathLike, fps: float, frames: int = 1) -> Movie:
    """A movie to write at `path` (GIF or MP4 by its suffix); a ValueError says why it cannot be."""
    problem = movie_problem(path, fps, frames)
    if problem:
        raise ValueError(problem)
    path = Path(path)
    return {"gif": _Gif, "mp4": _Mp4}[path.suffix.lower().lstrip(".")](path, fps)
