"""Movies from frames (gui.movie, no Qt): GIF through Pillow, MP4 through imageio-ffmpeg."""

import numpy as np
import pytest
from PIL import Image

from gradviz.gui import movie


def _frames(n, height=30, width=41):
    """n frames of a few flat colours with a square that moves: what a plot's frames look like."""
    rng = np.random.default_rng(0)
    colours = rng.integers(0, 256, size=(6, 3), dtype=np.uint8)
    out = []
    for k in range(n):
        frame = np.empty((height, width, 3), np.uint8)
        frame[:] = colours[0]
        frame[:, : width // 3] = colours[1]
        frame[5:12, 2 + 3 * k : 9 + 3 * k] = colours[2 + k % 4]
        out.append(frame)
    return out


def test_a_gif_keeps_every_frame_exactly_when_they_share_few_colours(tmp_path):
    frames = _frames(5)
    m = movie.open_movie(tmp_path / "a.gif", fps=4, frames=5)
    for f in frames:
        m.add(f)
    assert not (tmp_path / "a.gif").exists()  # nothing in place before the end
    m.finish()
    with Image.open(tmp_path / "a.gif") as gif:
        assert gif.n_frames == 5 and gif.info["duration"] == 250 and gif.info["loop"] == 0
        for k, f in enumerate(frames):
            gif.seek(k)
            assert np.array_equal(np.asarray(gif.convert("RGB")), f), k
    assert [p.name for p in tmp_path.iterdir()] == ["a.gif"]


def test_a_frame_of_another_size_is_refused_and_discarding_leaves_nothing(tmp_path):
    m = movie.open_movie(tmp_path / "b.gif", fps=10)
    m.add(_frames(1)[0])
    with pytest.raises(ValueError, match="a frame of 40 × 30 in a movie of 41 × 30"):
        m.add(np.zeros((30, 40, 3), np.uint8))
    m.discard()
    empty = movie.open_movie(tmp_path / "c.gif", fps=10)
    with pytest.raises(OSError, match="no frames"):
        empty.finish()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "name, fps, frames, words",
    [
        ("x.webm", 10, 1, "a recording is .gif (an animated GIF) or .mp4 (an MP4 video)"),
        ("x.gif", 0, 1, "GIF plays 1 to 50 frames a second, not 0"),
        ("x.gif", 51, 1, "not 51"),
        ("x.mp4", 61, 1, "MP4 plays 1 to 60 frames a second"),
        ("x.gif", 10, movie.MAX_GIF_FRAMES + 1, "record an MP4"),
        ("missing/x.gif", 10, 1, "does not exist"),
    ],
)
def test_what_cannot_be_recorded_is_said(tmp_path, name, fps, frames, words):
    assert words in movie.movie_problem(tmp_path / name, fps, frames)
    with pytest.raises(ValueError, match="cannot record"):
        movie.open_movie(tmp_path / name, fps, frames)


def test_an_mp4_of_odd_sized_frames_is_padded_to_even_sides(tmp_path):
    imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg")
    import subprocess

    m = movie.open_movie(tmp_path / "v.mp4", fps=8)
    for f in _frames(4, height=31, width=41):
        m.add(f)
    m.finish()
    assert imageio_ffmpeg.count_frames_and_secs(str(tmp_path / "v.mp4")) == (4, 0.5)
    decode = [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(tmp_path / "v.mp4"), "-f", "rawvideo", "-"]
    assert (
        len(subprocess.run([*decode[:-1], "-pix_fmt", "rgb24", "-"], capture_output=True, check=True).stdout)
        == 4 * 32 * 42 * 3
    )
    assert [p.name for p in tmp_path.iterdir()] == ["v.mp4"]


def test_equal_frames_in_a_row_are_one_gif_frame_shown_for_their_time(tmp_path):
    a, b = _frames(2)
    m = movie.open_movie(tmp_path / "still.gif", fps=10)
    for f in (a, a, a, b, b):
        m.add(f)
    m.finish()
    with Image.open(tmp_path / "still.gif") as gif:
        shown = []
        for k in range(gif.n_frames):
            gif.seek(k)
            shown.append((gif.info["duration"], np.asarray(gif.convert("RGB")).tobytes()))
    assert shown == [(300, a.tobytes()), (200, b.tobytes())]  # played for 5 × 1/10 s, as given
    assert movie.gif_frame_ms(10) == 100 and movie.gif_frame_ms(12) == 80 and movie.gif_frame_ms(50) == 20
